/**
 * workers/io/dicom: reading DICOM, DOM-free, for the app (in a Web Worker) and the CLI (Node).
 *
 *   scanDicom(sources)                 -> ImportResult: headers parsed, grouped into series
 *                                         items (static, or one 'dce' item per dynamic study), checked
 *   scanDicomHeaders(files)            -> the same, each header read from a prefix of its file
 *   loadPhaseVolume(item, phase, get)  -> Volume of one phase (pixels decoded, modality LUT applied)
 *   readRtStruct(name, bytes)          -> RtStruct (ROIs, contours)
 *   rasterizeRtStruct(rt, roi, grid)   -> Uint8 mask on a phase's grid
 */
export type * from './types.ts';
export { scanDicom } from './scan.ts';
export { readHeader, scanDicomHeaders, scanFileHeaders, type RangeReadable } from './header-prefix.ts';
export { loadPhaseVolume } from './load.ts';
export { readRtStruct, rasterizeRtStruct, type RtStruct, type RtRoi, type RtContour, type RtStructMask } from './rtstruct.ts';
export { parseDicomFile, DicomFileError, type ParsedFile } from './parse.ts';
export { TRANSFER_SYNTAX_NAMES } from './pixels.ts';
