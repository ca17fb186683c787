/**
 * scanDicom: headers of every file parsed (up to the pixel data element, no pixel copy),
 * grouped into studies, series and DCE phases, checked. Files that are not DICOM, truncated,
 * or not images get an ImportIssue naming them; everything else still loads.
 * The steps are exported for readers that parse headers from a prefix of each file
 * (header-prefix.ts): classifyFile per file, then collectScans in the files' order.
 */
import type { AnnotationInfo, DicomSource, ImportIssue, ImportResult } from './types.ts';
import { DicomFileError, parseDicomFile, type ParsedFile } from './parse.ts';
import { firstItem, items, readInstanceHeader, SOP_CLASS, str, type InstanceHeader } from './header.ts';
import { attachAnnotations, groupIntoSeries } from './group.ts';

const SOP_CLASS_NAMES: Record<string, string> = {
  '1.2.840.10008.5.1.4.1.1.481.1': 'RT Image',
  '1.2.840.10008.5.1.4.1.1.481.2': 'RT Dose',
  '1.2.840.10008.5.1.4.1.1.481.5': 'RT Plan',
  '1.2.840.10008.5.1.4.1.1.11.1': 'Grayscale Softcopy Presentation State',
  '1.2.840.10008.5.1.4.1.1.88.11': 'Basic Text SR',
  '1.2.840.10008.5.1.4.1.1.88.22': 'Enhanced SR',
  '1.2.840.10008.5.1.4.1.1.88.33': 'Comprehensive SR',
  '1.2.840.10008.1.3.10': 'Media Storage Directory (DICOMDIR)',
};

/** ROI names and referenced series of an RT Structure Set (PS3.3 C.8.8.5). */
function readRtStructInfo(f: ParsedFile, h: InstanceHeader): AnnotationInfo {
  const ds = f.dataSet;
  const rois = items(ds, 'x30060020');
  const refFor = items(ds, 'x30060010');
  let referencedSeries = '';
  let frameOfReferenceUID = rois.map((r) => str(r, 'x30060024')).find(Boolean) ?? '';
  for (const fr of refFor) {
    frameOfReferenceUID ||= str(fr, 'x00200052');
    for (const study of items(fr, 'x30060012')) {
      const series = firstItem(study, 'x30060014');
      referencedSeries ||= str(series, 'x0020000e');
    }
  }
  return {
    kind: 'RTSTRUCT',
    source: f.name,
    sopInstanceUID: h.sopInstanceUID,
    label: str(ds, 'x30060002') || str(ds, 'x30060004') || h.seriesDescription || 'RT Structure Set',
    roiNames: rois.map((r) => str(r, 'x30060026')),
    referencedSeriesInstanceUID: referencedSeries || undefined,
    frameOfReferenceUID: frameOfReferenceUID || undefined,
  };
}

/** Segment labels and referenced series of a Segmentation (PS3.3 C.8.20). */
function readSegInfo(f: ParsedFile, h: InstanceHeader): AnnotationInfo {
  const ds = f.dataSet;
  const segments = items(ds, 'x00620002');
  const refSeries = firstItem(ds, 'x00081115');
  return {
    kind: 'SEG',
    source: f.name,
    sopInstanceUID: h.sopInstanceUID,
    label: h.seriesDescription || str(ds, 'x00700080') || 'Segmentation',
    roiNames: segments.map((s) => str(s, 'x00620005')),
    referencedSeriesInstanceUID: str(refSeries, 'x0020000e') || undefined,
    frameOfReferenceUID: h.frameOfReferenceUID || undefined,
  };
}

/** What one file contributes to an import (decided from its own header alone). */
export type FileScan =
  | { kind: 'image'; header: InstanceHeader }
  | { kind: 'annotation'; header: InstanceHeader; info: AnnotationInfo }
  | { kind: 'skip'; header: InstanceHeader; message?: string }
  | { kind: 'error'; issue: ImportIssue };

/** The file's issue for an error thrown while reading or parsing it. */
export function scanError(name: string, e: unknown): FileScan {
  const message = e instanceof DicomFileError ? e.message : `${name}: ${e instanceof Error ? e.message : String(e)}`;
  return { kind: 'error', issue: { file: name, message } };
}

/** Classifies one parsed file (its header: the pixel data need not be present). */
export function classifyFile(parsed: ParsedFile): FileScan {
  try {
    const h = readInstanceHeader(parsed);
    if (h.sopClassUID === SOP_CLASS.rtStruct) return { kind: 'annotation', header: h, info: readRtStructInfo(parsed, h) };
    if (h.sopClassUID === SOP_CLASS.seg) return { kind: 'annotation', header: h, info: readSegInfo(parsed, h) };
    if (h.pixel) return { kind: 'image', header: h };
    // DICOMDIR: the index of a CD/DVD export; the images it lists are read from their own files
    if (h.sopClassUID === '1.2.840.10008.1.3.10') return { kind: 'skip', header: h };
    const what = SOP_CLASS_NAMES[h.sopClassUID] ?? `SOP class ${h.sopClassUID || 'unknown'}`;
    return {
      kind: 'skip',
      header: h,
      message: `${parsed.name}: a DICOM ${what} object without pixel data, not an image: skipped`,
    };
  } catch (e) {
    return scanError(parsed.name, e);
  }
}

/**
 * Groups the files' scans (in the order the files were given: the first of two files with
 * the same SOPInstanceUID is kept) into series items, with every problem named.
 */
export function collectScans(scans: FileScan[]): ImportResult {
  const errors: ImportIssue[] = [];
  const headers: InstanceHeader[] = [];
  const annotations: AnnotationInfo[] = [];
  const seen = new Map<string, string>();
  for (const scan of scans) {
    if (scan.kind === 'error') {
      errors.push(scan.issue);
      continue;
    }
    const h = scan.header;
    const firstSource = seen.get(h.sopInstanceUID);
    if (h.sopInstanceUID && firstSource !== undefined) {
      errors.push({ file: h.source, message: `${h.source}: the same instance (SOPInstanceUID) as ${firstSource}: ignored` });
      continue;
    }
    if (h.sopInstanceUID) seen.set(h.sopInstanceUID, h.source);
    if (scan.kind === 'annotation') annotations.push(scan.info);
    else if (scan.kind === 'image') headers.push(h);
    else if (scan.message) errors.push({ file: h.source, message: scan.message });
  }
  const series = groupIntoSeries(headers);
  attachAnnotations(series, annotations, errors);
  return { series, errors };
}

export function scanDicom(sources: DicomSource[]): ImportResult {
  return collectScans(
    sources.map((src) => {
      try {
        return classifyFile(parseDicomFile(src.name, src.bytes));
      } catch (e) {
        return scanError(src.name, e);
      }
    }),
  );
}
