/**
 * Reading a DICOM file's data set with dicom-parser: Part 10 files (with preamble and meta
 * header) and bare data sets (no preamble/meta: the transfer syntax is guessed from the
 * first element), explicit/implicit VR little endian, explicit big endian, deflated
 * (inflated with fflate). Pixel data are never copied here: the pixel element is located
 * (offset, length, fragments) and checked to lie inside the file.
 */
import * as dicomParserModule from 'dicom-parser';
import type { DataSet, Element } from 'dicom-parser';
import { inflateSync } from 'fflate';

export const TS = {
  implicitLE: '1.2.840.10008.1.2',
  explicitLE: '1.2.840.10008.1.2.1',
  deflatedLE: '1.2.840.10008.1.2.1.99',
  explicitBE: '1.2.840.10008.1.2.2',
} as const;

// dicom-parser is a UMD bundle: under Node's ESM loader its functions sit on the default export.
const dicomParser: typeof dicomParserModule =
  (dicomParserModule as unknown as { default?: typeof dicomParserModule }).default ?? dicomParserModule;

export const PIXEL_DATA = 'x7fe00010';
const FLOAT_PIXEL_DATA = 'x7fe00008';
const DOUBLE_PIXEL_DATA = 'x7fe00009';

/** A failure that names the file; the message is meant for the user. */
export class DicomFileError extends Error {
  readonly file: string;
  /** the message without the file name */
  readonly reason: string;
  constructor(file: string, reason: string) {
    super(`${file}: ${reason}`);
    this.name = 'DicomFileError';
    this.file = file;
    this.reason = reason;
  }
}

export interface ParsedFile {
  name: string;
  /** the file's bytes (for a deflated file: the header followed by the inflated data set) */
  bytes: Uint8Array;
  dataSet: DataSet;
  transferSyntaxUID: string;
  /** whether the file had a preamble and a File Meta Information header */
  part10: boolean;
  littleEndian: boolean;
  /** the pixel data element (7FE0,0010 / 0008 / 0009), if any */
  pixelElement?: Element;
}

/** Some transfer syntaxes are spelled with trailing NULs or spaces. */
function cleanUid(s: string | undefined): string {
  return (s ?? '').replace(/[\0\s]+$/g, '').trim();
}

/**
 * The transfer syntax of a data set that has no preamble/meta header, from its first element:
 * explicit VR if bytes 4-5 are two upper-case letters, little or big endian from the group
 * number. Only data sets starting with group 0002, 0008 (or a group length 0000) qualify, so
 * text and other files are not mistaken for DICOM.
 */
function guessBareTransferSyntax(b: Uint8Array): string | undefined {
  if (b.length < 8) return undefined;
  const groupLE = b[0] | (b[1] << 8);
  const groupBE = (b[0] << 8) | b[1];
  const isLetter = (c: number) => c >= 0x41 && c <= 0x5a;
  const explicit = isLetter(b[4]) && isLetter(b[5]);
  const plausible = (g: number) => g === 0x0002 || g === 0x0008 || g === 0x0000;
  if (plausible(groupLE)) return explicit ? TS.explicitLE : TS.implicitLE;
  if (plausible(groupBE) && explicit) return TS.explicitBE;
  return undefined;
}

function describe(e: unknown): string {
  if (e instanceof Error) return e.message;
  if (typeof e === 'string') return e;
  if (e && typeof e === 'object' && 'exception' in e) return describe((e as { exception: unknown }).exception);
  return String(e);
}

/** dicom-parser messages are about its own functions; say what it means for the user. */
function userMessage(raw: string): string {
  if (/past end of buffer|buffer overrun|eof encountered|attempt to read/i.test(raw)) {
    return `the file is truncated or corrupt (${raw})`;
  }
  return raw;
}

export interface ParseOptions {
  /** stop after the pixel data element's header (scan); default true */
  untilPixelData?: boolean;
  /**
   * The size of the whole file when `buffer` holds only its first bytes (a header read
   * from a prefix, see header-prefix.ts): native pixel data are checked against it.
   */
  fileSize?: number;
}

/** Whether the first bytes can start a DICOM file: the DICM prefix, or a bare data set. */
export function looksLikeDicom(bytes: Uint8Array): boolean {
  const part10 =
    bytes.length >= 132 && bytes[128] === 0x44 && bytes[129] === 0x49 && bytes[130] === 0x43 && bytes[131] === 0x4d;
  return part10 || guessBareTransferSyntax(bytes) !== undefined;
}

/**
 * Parse one file. Throws DicomFileError naming the file when it is not DICOM, is truncated,
 * or its pixel data run past the end of the file.
 */
export function parseDicomFile(name: string, buffer: ArrayBuffer | Uint8Array, opts: ParseOptions = {}): ParsedFile {
  const bytes = buffer instanceof Uint8Array ? buffer : new Uint8Array(buffer);
  const untilPixelData = opts.untilPixelData ?? true;
  const part10 =
    bytes.length >= 132 && bytes[128] === 0x44 && bytes[129] === 0x49 && bytes[130] === 0x43 && bytes[131] === 0x4d;
  let bareTs: string | undefined;
  if (!part10) {
    bareTs = guessBareTransferSyntax(bytes);
    if (!bareTs) throw new DicomFileError(name, 'not a DICOM file (no DICM prefix and no DICOM data set at its start)');
  }
  let dataSet: DataSet;
  try {
    dataSet = dicomParser.parseDicom(bytes, {
      TransferSyntaxUID: bareTs,
      untilTag: untilPixelData ? PIXEL_DATA : undefined,
      inflater: (arr: Uint8Array, position: number) => {
        // Deflated Explicit VR Little Endian: everything after the meta header is raw DEFLATE.
        const inflated = inflateSync(arr.subarray(position));
        const full = new Uint8Array(position + inflated.length);
        full.set(arr.subarray(0, position), 0);
        full.set(inflated, position);
        return full;
      },
    } as dicomParserModule.ParseDicomOptions);
  } catch (e) {
    throw new DicomFileError(name, userMessage(describe(e)));
  }
  const transferSyntaxUID = cleanUid(dataSet.string('x00020010') ?? bareTs);
  if (!transferSyntaxUID) throw new DicomFileError(name, 'the meta header has no transfer syntax (0002,0010)');
  const pixelElement =
    dataSet.elements[PIXEL_DATA] ?? dataSet.elements[FLOAT_PIXEL_DATA] ?? dataSet.elements[DOUBLE_PIXEL_DATA];
  const parsed: ParsedFile = {
    name,
    bytes: dataSet.byteArray as Uint8Array,
    dataSet,
    transferSyntaxUID,
    part10,
    littleEndian: transferSyntaxUID !== TS.explicitBE,
    pixelElement,
  };
  if (pixelElement) checkPixelDataInside(parsed, pixelElement, opts.fileSize ?? parsed.bytes.length);
  return parsed;
}

/**
 * Native pixel data must fit in the file (`size` bytes); encapsulated fragments must be
 * complete (checked only when the whole file is at hand).
 */
function checkPixelDataInside(f: ParsedFile, el: Element, size: number): void {
  if (!el.hadUndefinedLength) {
    if (el.dataOffset + el.length > size) {
      throw new DicomFileError(
        f.name,
        `the file is truncated: pixel data needs ${el.length} bytes, only ${Math.max(0, size - el.dataOffset)} present`,
      );
    }
    return;
  }
  if (size > f.bytes.length) return;
  // Encapsulated: walk the items (tag FFFE,E000 + 4-byte length) up to the sequence delimiter.
  const fragments = listFragments(f, el);
  if (!fragments) throw new DicomFileError(f.name, 'the file is truncated: encapsulated pixel data end before the sequence delimiter');
}

export interface Fragment {
  offset: number;
  length: number;
}

/**
 * The items of encapsulated pixel data: the first is the Basic Offset Table, the others are
 * fragments. Returns undefined if the data run past the end of the file.
 */
export function listFragments(f: ParsedFile, el: Element): Fragment[] | undefined {
  const b = f.bytes;
  const readU16 = (p: number) => (f.littleEndian ? b[p] | (b[p + 1] << 8) : (b[p] << 8) | b[p + 1]);
  const readU32 = (p: number) =>
    f.littleEndian
      ? (b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24)) >>> 0
      : ((b[p] << 24) | (b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3]) >>> 0;
  const items: Fragment[] = [];
  let p = el.dataOffset;
  while (p + 8 <= b.length) {
    const group = readU16(p);
    const elem = readU16(p + 2);
    const len = readU32(p + 4);
    if (group === 0xfffe && elem === 0xe0dd) return items;
    if (group !== 0xfffe || elem !== 0xe000) return undefined;
    if (p + 8 + len > b.length) return undefined;
    items.push({ offset: p + 8, length: len });
    p += 8 + len;
  }
  return undefined;
}
