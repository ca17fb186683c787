/**
 * The features CSV reader on a file PyRadiomics's batch mode wrote itself
 * (../shared/conformance/pyradiomics-full: columns ID, Image, Mask, diagnostics_*, then the
 * features): ids, feature names and values as Python's csv module reads them.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseFeaturesCsv } from './features-csv.ts';

const CSV = resolve(process.cwd(), '../shared/conformance/pyradiomics-full/pyradiomics_full_binWidth25.csv');

describe('parseFeaturesCsv', () => {
  it("reads PyRadiomics's batch output: the ID column, and every feature column (not Image, Mask or diagnostics) with its values", () => {
    const table = parseFeaturesCsv(readFileSync(CSV, 'utf8'), 'pyradiomics_full_binWidth25.csv');
    const ref = JSON.parse(
      execFileSync(
        '/usr/bin/python3',
        [
          '-c',
          `import sys, csv, json
rows = list(csv.reader(open(sys.argv[1])))
h = rows[0]
cols = [k for k, c in enumerate(h) if c not in ('ID', 'Image', 'Mask') and not c.startswith('diagnostics_')]
print(json.dumps({'ids': [r[0] for r in rows[1:]], 'names': [h[k] for k in cols], 'values': [[float(r[k]) for k in cols] for r in rows[1:]]}))`,
          CSV,
        ],
        { encoding: 'utf8', maxBuffer: 1 << 26 },
      ),
    ) as { ids: string[]; names: string[]; values: number[][] };
    expect(table.ids).toEqual(ref.ids);
    expect(table.names).toEqual(ref.names);
    expect(table.names).toHaveLength(1037);
    table.rows.forEach((row, r) => expect(Array.from(row)).toEqual(ref.values[r]));
  });
});
