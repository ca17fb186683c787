/**
 * A small DICOM Part 10 encoder (PS3.10 file format, PS3.5 explicit VR little endian), used
 * by write-mr.ts and seg.ts. DOM-free and deterministic: the same elements give the same
 * bytes. Elements carry their VR explicitly (the writers name it beside each tag, as PS3.6
 * lists it); values are padded to even length as PS3.5 section 7.1 requires (UI with a NUL,
 * other strings with a space, OB with a NUL). Sequences and items are written with defined
 * lengths. Text is ASCII; a data set whose PN/LO/SH/ST/LT/UT text needs more is written in
 * UTF-8 with SpecificCharacterSet ISO_IR 192.
 *
 *   const ds: DataSet = [el(0x00100010, 'PN', 'Demo^Patient'), ...];
 *   const bytes = encodePart10(ds, { sopClassUID, sopInstanceUID });
 */

export type VR =
  | 'AE' | 'AS' | 'AT' | 'CS' | 'DA' | 'DS' | 'DT' | 'FD' | 'FL' | 'IS' | 'LO' | 'LT' | 'OB' | 'OW'
  | 'PN' | 'SH' | 'SL' | 'SQ' | 'SS' | 'ST' | 'TM' | 'UI' | 'UL' | 'US' | 'UT';

/** A value as the writers give it; strings of a multi-valued attribute as an array. */
export type ElementValue = string | number | readonly (string | number)[] | Uint8Array | Uint16Array | DataSet[];

export interface Element {
  /** (group << 16) | element */
  tag: number;
  vr: VR;
  /** undefined or an empty array: a zero-length (type 2 "empty") value */
  value?: ElementValue;
}

export type DataSet = Element[];

export function el(tag: number, vr: VR, value?: ElementValue): Element {
  return { tag, vr, value };
}

/** A sequence of the given items. */
export function seq(tag: number, items: DataSet[]): Element {
  return { tag, vr: 'SQ', value: items };
}

export const EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1';
/** Our implementation's identity in the file meta information (a fixed 2.25 UID). */
export const IMPLEMENTATION_CLASS_UID = '2.25.177366324541180512378214893045726117389';
export const IMPLEMENTATION_VERSION_NAME = 'HER2WS_0_1';

const LONG_VRS = new Set<VR>(['OB', 'OW', 'SQ', 'UT']);

/**
 * A decimal string (DS) of at most 16 characters that reads back as close to `x` as 16
 * characters allow (PS3.5 Table 6.2-1: DS is at most 16 bytes).
 */
export function formatDS(x: number): string {
  if (!Number.isFinite(x)) throw new Error(`DS value ${x} is not a finite number`);
  if (Object.is(x, -0)) x = 0;
  const plain = String(x);
  if (plain.length <= 16) return plain;
  for (let p = 15; p >= 1; p--) {
    let s = x.toPrecision(p);
    if (s.includes('e')) {
      // toPrecision gives '1.2e+21'; DICOM accepts 'E' or 'e' with an optional sign.
      s = s.replace('e+', 'e');
    } else if (s.includes('.')) {
      s = s.replace(/0+$/, '').replace(/\.$/, '');
    }
    if (s.length <= 16) return s;
  }
  throw new Error(`cannot write ${x} as a DICOM DS`);
}

/** An integer string (IS), at most 12 characters. */
export function formatIS(x: number): string {
  if (!Number.isInteger(x) || Math.abs(x) > 2147483647) throw new Error(`IS value ${x} is not a 32-bit integer`);
  return String(x);
}

class ByteSink {
  buf = new Uint8Array(4096);
  length = 0;
  private view = new DataView(this.buf.buffer);

  private ensure(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.length + n) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  u8(v: number): void {
    this.ensure(1);
    this.buf[this.length++] = v;
  }

  u16(v: number): void {
    this.ensure(2);
    this.view.setUint16(this.length, v, true);
    this.length += 2;
  }

  u32(v: number): void {
    this.ensure(4);
    this.view.setUint32(this.length, v, true);
    this.length += 4;
  }

  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }

  result(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

/** VRs whose text may hold characters beyond ASCII (PS3.5 6.1.2): written as UTF-8. */
const EXTENDED_TEXT_VRS = new Set<VR>(['PN', 'LO', 'SH', 'ST', 'LT', 'UT']);

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7e) return false;
  return true;
}

function textBytes(s: string, vr: VR, where: string): Uint8Array {
  if (isAscii(s)) {
    const out = new Uint8Array(s.length);
    for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
    return out;
  }
  if (!EXTENDED_TEXT_VRS.has(vr)) throw new Error(`${where}: only ASCII is allowed in ${vr} (got '${s}')`);
  return new TextEncoder().encode(s);
}

/** Whether any text of the data set (items included) needs more than ASCII. */
function needsUtf8(ds: DataSet): boolean {
  for (const e of ds) {
    if (e.vr === 'SQ') {
      if (((e.value ?? []) as DataSet[]).some(needsUtf8)) return true;
    } else if (EXTENDED_TEXT_VRS.has(e.vr)) {
      const v = e.value;
      const list = Array.isArray(v) ? v : [v];
      if (list.some((x) => typeof x === 'string' && !isAscii(x))) return true;
    }
  }
  return false;
}

function tagName(tag: number): string {
  const h = (tag >>> 0).toString(16).toUpperCase().padStart(8, '0');
  return `(${h.slice(0, 4)},${h.slice(4)})`;
}

/** The value bytes of one element, unpadded except where noted. */
function valueBytes(e: Element): Uint8Array {
  const v = e.value;
  const where = `DICOM element ${tagName(e.tag)} ${e.vr}`;
  if (v === undefined) return new Uint8Array(0);
  switch (e.vr) {
    case 'OB':
      if (!(v instanceof Uint8Array)) throw new Error(`${where}: expects a Uint8Array`);
      return v;
    case 'OW':
      if (v instanceof Uint16Array) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
      if (v instanceof Uint8Array && v.length % 2 === 0) return v;
      throw new Error(`${where}: expects a Uint16Array`);
    case 'US':
    case 'SS':
    case 'UL':
    case 'SL':
    case 'FL':
    case 'FD':
    case 'AT': {
      const list = (Array.isArray(v) ? v : [v]) as number[];
      const size = e.vr === 'US' || e.vr === 'SS' ? 2 : e.vr === 'FD' ? 8 : 4;
      const out = new Uint8Array(list.length * size);
      const dv = new DataView(out.buffer);
      list.forEach((x, i) => {
        if (typeof x !== 'number') throw new Error(`${where}: expects numbers`);
        const o = i * size;
        if (e.vr === 'US') dv.setUint16(o, x, true);
        else if (e.vr === 'SS') dv.setInt16(o, x, true);
        else if (e.vr === 'UL') dv.setUint32(o, x, true);
        else if (e.vr === 'SL') dv.setInt32(o, x, true);
        else if (e.vr === 'FL') dv.setFloat32(o, x, true);
        else if (e.vr === 'FD') dv.setFloat64(o, x, true);
        else {
          // AT: a tag as two US, group then element.
          dv.setUint16(o, x >>> 16, true);
          dv.setUint16(o + 2, x & 0xffff, true);
        }
      });
      return out;
    }
    case 'SQ':
      throw new Error(`${where}: sequences are encoded by encodeDataSet`);
    default: {
      if (v instanceof Uint8Array || v instanceof Uint16Array) throw new Error(`${where}: expects text`);
      const list = Array.isArray(v) ? v : [v];
      const text = list
        .map((x) => {
          if (typeof x === 'number') return e.vr === 'DS' ? formatDS(x) : e.vr === 'IS' ? formatIS(x) : String(x);
          if (typeof x !== 'string') throw new Error(`${where}: expects text`);
          return x;
        })
        .join('\\');
      return textBytes(text, e.vr, where);
    }
  }
}

function padByte(vr: VR): number {
  if (vr === 'UI' || vr === 'OB') return 0;
  return 0x20;
}

function writeElement(out: ByteSink, e: Element): void {
  out.u16(e.tag >>> 16);
  out.u16(e.tag & 0xffff);
  out.u8(e.vr.charCodeAt(0));
  out.u8(e.vr.charCodeAt(1));
  if (e.vr === 'SQ') {
    const items = (e.value ?? []) as DataSet[];
    const encodedItems = items.map((item) => encodeDataSet(item));
    let len = 0;
    for (const it of encodedItems) len += 8 + it.length;
    out.u16(0);
    out.u32(len);
    for (const it of encodedItems) {
      out.u16(0xfffe);
      out.u16(0xe000);
      out.u32(it.length);
      out.bytes(it);
    }
    return;
  }
  const raw = valueBytes(e);
  const pad = raw.length % 2 === 1;
  const len = raw.length + (pad ? 1 : 0);
  if (LONG_VRS.has(e.vr)) {
    out.u16(0);
    out.u32(len);
  } else {
    if (len > 0xffff) throw new Error(`DICOM element ${tagName(e.tag)} ${e.vr}: value of ${len} bytes is too long`);
    out.u16(len);
  }
  out.bytes(raw);
  if (pad) out.u8(padByte(e.vr));
}

/** Encodes a data set (elements sorted by tag) in explicit VR little endian. */
export function encodeDataSet(ds: DataSet): Uint8Array {
  const sorted = [...ds].sort((a, b) => (a.tag >>> 0) - (b.tag >>> 0));
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i].tag === sorted[i - 1].tag) throw new Error(`DICOM element ${tagName(sorted[i].tag)} given twice`);
  }
  const out = new ByteSink();
  for (const e of sorted) writeElement(out, e);
  return out.result();
}

/**
 * A Part 10 file: 128-byte preamble, 'DICM', file meta information (group 0002) and the
 * data set in explicit VR little endian.
 */
export function encodePart10(ds: DataSet, meta: { sopClassUID: string; sopInstanceUID: string }): Uint8Array {
  // Text beyond ASCII is written as UTF-8, declared by SpecificCharacterSet ISO_IR 192.
  if (needsUtf8(ds)) ds = [...ds.filter((e) => e.tag !== 0x00080005), el(0x00080005, 'CS', 'ISO_IR 192')];
  const metaGroup = encodeDataSet([
    el(0x00020001, 'OB', new Uint8Array([0, 1])),
    el(0x00020002, 'UI', meta.sopClassUID),
    el(0x00020003, 'UI', meta.sopInstanceUID),
    el(0x00020010, 'UI', EXPLICIT_VR_LITTLE_ENDIAN),
    el(0x00020012, 'UI', IMPLEMENTATION_CLASS_UID),
    el(0x00020013, 'SH', IMPLEMENTATION_VERSION_NAME),
  ]);
  const groupLength = encodeDataSet([el(0x00020000, 'UL', metaGroup.length)]);
  const body = encodeDataSet(ds);
  const out = new Uint8Array(132 + groupLength.length + metaGroup.length + body.length);
  out.set([0x44, 0x49, 0x43, 0x4d], 128);
  out.set(groupLength, 132);
  out.set(metaGroup, 132 + groupLength.length);
  out.set(body, 132 + groupLength.length + metaGroup.length);
  return out;
}

/** DICOM DA from a Date-free triple. */
export function formatDA(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, '0')}${String(month).padStart(2, '0')}${String(day).padStart(2, '0')}`;
}

/** DICOM TM (HHMMSS.FFFFFF, trailing zeros of the fraction dropped) from seconds since midnight. */
export function formatTM(secondsSinceMidnight: number): string {
  if (!(secondsSinceMidnight >= 0 && secondsSinceMidnight < 86400)) {
    throw new Error(`time ${secondsSinceMidnight} s is not within one day`);
  }
  const micro = Math.round(secondsSinceMidnight * 1e6);
  const whole = Math.floor(micro / 1e6);
  const frac = micro - whole * 1e6;
  const hh = Math.floor(whole / 3600);
  const mm = Math.floor((whole % 3600) / 60);
  const ss = whole % 60;
  const base = `${String(hh).padStart(2, '0')}${String(mm).padStart(2, '0')}${String(ss).padStart(2, '0')}`;
  if (frac === 0) return base;
  return `${base}.${String(frac).padStart(6, '0').replace(/0+$/, '')}`;
}
