import { describe, expect, it } from 'vitest';
import { fromDataTransfer, withUniqueNames } from './fileSources.ts';

describe('withUniqueNames', () => {
  it('keeps distinct names and numbers the repeats, so no file hides another', () => {
    const blob = (s: string) => new Blob([s]);
    const files = ['IM0001.dcm', 'IM0002.dcm', 'IM0001.dcm', 'IM0001.dcm (2)', 'IM0001.dcm'].map((name, i) => ({ name, blob: blob(String(i)) }));
    const out = withUniqueNames(files);
    expect(out.map((f) => f.name)).toEqual(['IM0001.dcm', 'IM0002.dcm', 'IM0001.dcm (2)', 'IM0001.dcm (2) (2)', 'IM0001.dcm (3)']);
    expect(new Set(out.map((f) => f.name)).size).toBe(files.length);
    out.forEach((f, i) => expect(f.blob).toBe(files[i].blob));
  });
});

/**
 * A dropped folder, as Chromium's File and Directory Entries API hands it over: a
 * directory reader gives its entries in batches of at most 100, then an empty batch.
 */
function fakeTree(root: string, files: string[]): FileSystemDirectoryEntry {
  type Node = { dirs: Map<string, Node>; files: string[] };
  const top: Node = { dirs: new Map(), files: [] };
  for (const path of files) {
    const parts = path.split('/');
    let node = top;
    for (const p of parts.slice(0, -1)) {
      if (!node.dirs.has(p)) node.dirs.set(p, { dirs: new Map(), files: [] });
      node = node.dirs.get(p)!;
    }
    node.files.push(path);
  }
  const fileEntry = (path: string) =>
    ({
      isFile: true,
      isDirectory: false,
      fullPath: `/${root}/${path}`,
      file: (ok: (f: File) => void) => ok(new File([path], path.slice(path.lastIndexOf('/') + 1))),
    }) as unknown as FileSystemFileEntry;
  const dirEntry = (path: string, node: Node): FileSystemDirectoryEntry =>
    ({
      isFile: false,
      isDirectory: true,
      fullPath: `/${path}`,
      createReader: () => {
        const all: FileSystemEntry[] = [...[...node.dirs].map(([name, child]) => dirEntry(`${path}/${name}`, child)), ...node.files.map(fileEntry)];
        let at = 0;
        return {
          readEntries: (ok: (batch: FileSystemEntry[]) => void) => {
            const batch = all.slice(at, at + 100);
            at += batch.length;
            setTimeout(() => ok(batch), 0);
          },
        };
      },
    }) as unknown as FileSystemDirectoryEntry;
  return dirEntry(root, top);
}

describe('fromDataTransfer', () => {
  it('walks a dropped folder recursively, past the directory reader\'s batches of 100, keeping paths and leaving out OS litter', async () => {
    const files: string[] = [];
    for (let p = 0; p < 3; p++) for (let s = 1; s <= 120; s++) files.push(`phase-${p}/IM${String(s).padStart(4, '0')}.dcm`);
    files.push('phase-0/.DS_Store', 'Thumbs.db', 'notes/readme.txt');
    const loose = new File(['x'], 'extra.dcm');
    const dt = {
      items: [
        { kind: 'file', webkitGetAsEntry: () => fakeTree('study', files), getAsFile: () => null },
        { kind: 'file', webkitGetAsEntry: () => null, getAsFile: () => loose },
        { kind: 'string', webkitGetAsEntry: () => null, getAsFile: () => null },
      ],
      files: [],
    } as unknown as DataTransfer;
    const out = await fromDataTransfer(dt);
    const names = out.map((f) => f.name).sort();
    const expected = [...files.filter((f) => !f.endsWith('.DS_Store') && f !== 'Thumbs.db').map((f) => `study/${f}`), 'extra.dcm'].sort();
    expect(names).toEqual(expected);
    // each name carries its own file
    for (const f of out) if (f.name !== 'extra.dcm') expect(await f.blob.text()).toBe(f.name.slice('study/'.length));
  });
});
