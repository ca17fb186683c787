/** Comparing two MODEL.json files: the browser's and `her2 fit`'s. */

/** The file without its date (the one field that differs between two fits of the same data). */
export const withoutDate = (m: { provenance: { date: string } }) => ({ ...m, provenance: { ...m.provenance, date: '' } });

/** Numbers within 1e-9 relative (absolute below 1), everything else equal; counts what is identical. */
export function compareJson(a: unknown, b: unknown): { mismatches: string[]; numbers: number; exact: number; maxRel: number } {
  const out = { mismatches: [] as string[], numbers: 0, exact: 0, maxRel: 0 };
  const walk = (x: unknown, y: unknown, path: string) => {
    if (typeof x === 'number' && typeof y === 'number') {
      out.numbers++;
      if (x === y) out.exact++;
      const rel = Math.abs(x - y) / Math.max(1, Math.abs(y));
      out.maxRel = Math.max(out.maxRel, rel);
      if (!(rel <= 1e-9)) out.mismatches.push(`${path}: ${x} vs ${y}`);
    } else if (Array.isArray(x) && Array.isArray(y)) {
      if (x.length !== y.length) out.mismatches.push(`${path}: length ${x.length} vs ${y.length}`);
      else x.forEach((v, i) => walk(v, y[i], `${path}[${i}]`));
    } else if (x && y && typeof x === 'object' && typeof y === 'object') {
      const kx = Object.keys(x);
      const ky = Object.keys(y);
      if (kx.join() !== ky.join()) out.mismatches.push(`${path}: keys differ`);
      else for (const k of kx) walk((x as Record<string, unknown>)[k], (y as Record<string, unknown>)[k], `${path}.${k}`);
    } else if (x !== y) out.mismatches.push(`${path}: ${String(x)} vs ${String(y)}`);
  };
  walk(a, b, '');
  out.mismatches = out.mismatches.slice(0, 10);
  return out;
}
