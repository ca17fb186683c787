/**
 * A minimal WebAssembly binary encoder, enough to write small numeric kernels by hand (the
 * LASSO solver's inner loops, glmnet-kernels.ts) without a toolchain: the module is assembled
 * from these instruction helpers at run time. Format: the WebAssembly Core Specification 2.0
 * (binary format, chapter 5) with the fixed-width SIMD proposal's v128 / f64x2 instructions.
 *
 * Code is a nested array of bytes (flattened when the module is built), so kernels can be
 * written with small structured helpers (`loopWhile`, `ifThen`) and TypeScript functions that
 * emit an inlined loop (macros).
 */

export type Code = number | Code[];

export const i32 = 0x7f;
export const f64 = 0x7c;
export const v128 = 0x7b;
export type ValType = typeof i32 | typeof f64 | typeof v128;

function uleb(v: number): number[] {
  const out: number[] = [];
  do {
    let b = v & 0x7f;
    v >>>= 7;
    if (v) b |= 0x80;
    out.push(b);
  } while (v);
  return out;
}

function sleb(v: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = v & 0x7f;
    v >>= 7;
    if ((v === 0 && !(b & 0x40)) || (v === -1 && b & 0x40)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const name = (s: string): number[] => vec([...s].map((c) => [c.charCodeAt(0)]));
const section = (id: number, bytes: number[]): number[] => [id, ...uleb(bytes.length), ...bytes];
const flatten = (c: Code): number[] => (Array.isArray(c) ? c.flat(Infinity as 1) as number[] : [c]);

// variables and constants
export const get = (l: number): Code => [0x20, ...uleb(l)];
export const set = (l: number): Code => [0x21, ...uleb(l)];
export const tee = (l: number): Code => [0x22, ...uleb(l)];
export const i32c = (v: number): Code => [0x41, ...sleb(v)];
export const f64c = (v: number): Code => [0x44, ...new Uint8Array(Float64Array.of(v).buffer)];

// control (block types are always empty: structured code leaves nothing on the stack)
export const BR = 0x0c;
export const BR_IF = 0x0d;
export const RETURN = 0x0f;
export const CALL = 0x10;
export const SELECT = 0x1b;
/** block ... end; `br k` inside jumps past the end (k = nesting depth from the branch) */
export const block = (...body: Code[]): Code => [0x02, 0x40, body, 0x0b];
/** loop ... end; `br k` to it jumps back to its start */
export const loop = (...body: Code[]): Code => [0x03, 0x40, body, 0x0b];
/** if (cond) then [else] */
export const ifThen = (cond: Code, then: Code, otherwise?: Code): Code => [cond, 0x04, 0x40, then, otherwise ? [0x05, otherwise] : [], 0x0b];
/**
 * while (cond) { body }: inside body, `br 1` breaks out of the loop and `br 0` starts the next
 * iteration (add the depth of any block the branch sits in).
 */
export const loopWhile = (cond: Code, ...body: Code[]): Code => block(loop(cond, 0x45 /* i32.eqz */, BR_IF, 1, body, BR, 0));

// memory: natural alignment, constant byte offset
export const f64Load = (offset = 0): Code => [0x2b, 3, ...uleb(offset)];
export const f64Store = (offset = 0): Code => [0x39, 3, ...uleb(offset)];
export const i32Load = (offset = 0): Code => [0x28, 2, ...uleb(offset)];
export const i32Store = (offset = 0): Code => [0x36, 2, ...uleb(offset)];
export const v128Load = (offset = 0): Code => [0xfd, 0x00, 4, ...uleb(offset)];
export const v128Store = (offset = 0): Code => [0xfd, 0x0b, 4, ...uleb(offset)];

// numeric instructions
export const I32_EQZ = 0x45;
export const I32_EQ = 0x46;
export const I32_NE = 0x47;
export const I32_LT_S = 0x48;
export const I32_GE_S = 0x4e;
export const F64_EQ = 0x61;
export const F64_NE = 0x62;
export const F64_LT = 0x63;
export const F64_GT = 0x64;
export const I32_ADD = 0x6a;
export const I32_SUB = 0x6b;
export const I32_MUL = 0x6c;
export const I32_AND = 0x71;
export const I32_SHL = 0x74;
export const F64_ABS = 0x99;
export const F64_NEG = 0x9a;
export const F64_ADD = 0xa0;
export const F64_SUB = 0xa1;
export const F64_MUL = 0xa2;
export const F64_DIV = 0xa3;
export const F64_MAX = 0xa5;
export const F64X2_SPLAT: Code = [0xfd, 0x14];
export const f64x2ExtractLane = (lane: number): Code => [0xfd, 0x21, lane];
export const F64X2_ADD: Code = [0xfd, ...uleb(0xf0)];
export const F64X2_SUB: Code = [0xfd, ...uleb(0xf1)];
export const F64X2_MUL: Code = [0xfd, ...uleb(0xf2)];

export interface WasmFunction {
  name: string;
  params: ValType[];
  results: ValType[];
  locals: ValType[];
  body: Code;
}

/** A module importing its memory as env.memory and exporting every function under its name. */
export function encodeModule(funcs: readonly WasmFunction[]): Uint8Array<ArrayBuffer> {
  const types = funcs.map((f) => [0x60, ...vec(f.params.map((t) => [t])), ...vec(f.results.map((t) => [t]))]);
  const imports = vec([[...name('env'), ...name('memory'), 0x02, 0x00, 0x01]]);
  const functions = vec(funcs.map((_, k) => uleb(k)));
  const exports = vec(funcs.map((f, k) => [...name(f.name), 0x00, ...uleb(k)]));
  const code = vec(
    funcs.map((f) => {
      const body = [...vec(f.locals.map((t) => [1, t])), ...flatten(f.body), 0x0b];
      return [...uleb(body.length), ...body];
    }),
  );
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec(types)),
    ...section(2, imports),
    ...section(3, functions),
    ...section(7, exports),
    ...section(10, code),
  ]);
}
