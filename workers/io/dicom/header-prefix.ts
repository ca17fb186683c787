/**
 * Headers read from the first bytes of each file instead of the whole file: an import scans
 * every header before it shows anything, while the pixel data (most of the bytes) are read
 * only for the phase being decoded. DOM-free: a file is anything with a size and a way to
 * read a byte range (a Blob in the browser, a file handle in Node).
 *
 * The prefix grows (x4) while the header runs past it; a file whose pixel data are
 * encapsulated, or that has none (RTSTRUCT, SR...), is read whole, so its checks are the
 * same as scanDicom's on the whole bytes (fragments complete, every element present).
 * (Its bytes are not kept: decoding reads a file again, which costs about as much as
 * keeping it would save.)
 */
import { DicomFileError, looksLikeDicom, parseDicomFile, type ParsedFile } from './parse.ts';
import { classifyFile, collectScans, scanError, type FileScan } from './scan.ts';
import type { ImportResult } from './types.ts';

/** A file that can be read piecewise. */
export interface RangeReadable {
  /** the path the user knows (DicomSource.name) */
  name: string;
  size: number;
  /** bytes [start, end) */
  read(start: number, end: number): Promise<ArrayBuffer>;
}

/**
 * Enough for most single-frame headers (GE: ~18 kB; enhanced multi-frame: 100-150 kB).
 * In Chromium a read costs about the same for 8 and for 64 kB (it is the number of reads
 * that counts: ~0.5-1 ms each on the busy 2-core machine).
 */
export const FIRST_READ_BYTES = 32 * 1024;
const GROWTH = 4;

export interface HeaderRead {
  parsed: ParsedFile;
  /** the bytes read: the whole file when `whole`, else a prefix */
  bytes: ArrayBuffer;
  whole: boolean;
}

/**
 * Parses a file's header (up to the pixel data element) from as short a prefix as it needs.
 * Throws DicomFileError naming the file as parseDicomFile does on the whole file.
 */
export async function readHeader(file: RangeReadable, firstBytes = FIRST_READ_BYTES): Promise<HeaderRead> {
  let n = Math.min(file.size, Math.max(firstBytes, 256));
  for (;;) {
    const bytes = await file.read(0, n);
    if (bytes.byteLength < n) {
      throw new DicomFileError(file.name, `could not be read: ${bytes.byteLength} of ${n} bytes returned`);
    }
    if (n >= file.size) return { parsed: parseDicomFile(file.name, bytes), bytes, whole: true };
    const view = new Uint8Array(bytes);
    let parsed: ParsedFile | undefined;
    try {
      parsed = parseDicomFile(file.name, view, { fileSize: file.size });
    } catch (e) {
      // Not DICOM at all is decided by the first bytes; any other failure may be the cut.
      if (!looksLikeDicom(view)) throw e;
    }
    const el = parsed?.pixelElement;
    if (parsed && el && !el.hadUndefinedLength) return { parsed, bytes, whole: false };
    n = el ? file.size : Math.min(file.size, n * GROWTH);
  }
}

/**
 * Each file's scan (classifyFile on its header, or the error naming it), in the files'
 * order, `parallel` files read at a time. Scans of parts of an import (read by several
 * workers) are put back in order and grouped with collectScans.
 */
export async function scanFileHeaders(
  files: RangeReadable[],
  options: { parallel?: number; firstBytes?: number; onProgress?: (done: number, total: number) => void } = {},
): Promise<FileScan[]> {
  const scans: FileScan[] = new Array(files.length);
  let next = 0;
  let done = 0;
  const reader = async () => {
    while (next < files.length) {
      const i = next++;
      try {
        scans[i] = classifyFile((await readHeader(files[i], options.firstBytes)).parsed);
      } catch (e) {
        scans[i] = scanError(files[i].name, e);
      }
      done++;
      if (options.onProgress && (done % 32 === 0 || done === files.length)) options.onProgress(done, files.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.parallel ?? 16, files.length) }, reader));
  return scans;
}

/** scanDicom over files read by prefix: the same ImportResult. */
export async function scanDicomHeaders(
  files: RangeReadable[],
  options: { parallel?: number; firstBytes?: number; onProgress?: (done: number, total: number) => void } = {},
): Promise<ImportResult> {
  return collectScans(await scanFileHeaders(files, options));
}
