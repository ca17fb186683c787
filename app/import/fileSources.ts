/**
 * Files the user hands over, from the file picker, the folder picker or drag-and-drop
 * (files and folders, recursively), as { name, blob } with the path the user knows.
 * Nothing is read here: the DICOM worker reads the blobs.
 */

export interface NamedBlob {
  name: string;
  blob: Blob;
}

/** Operating-system litter that is never DICOM and not worth an error message. */
const IGNORED = new Set(['.DS_Store', 'Thumbs.db', 'desktop.ini']);

function keep(name: string): boolean {
  const base = name.slice(name.lastIndexOf('/') + 1);
  return !IGNORED.has(base);
}

/**
 * Gives every file a distinct name: files picked from several folders at once (the file
 * picker gives bare names) often share one, e.g. IM0001.dcm in every phase folder, and the
 * importer refers to files by name. A repeated name becomes "IM0001.dcm (2)", ...
 */
export function withUniqueNames(files: NamedBlob[]): NamedBlob[] {
  const used = new Set<string>();
  return files.map((f) => {
    if (!used.has(f.name)) {
      used.add(f.name);
      return f;
    }
    let k = 2;
    while (used.has(`${f.name} (${k})`)) k++;
    const name = `${f.name} (${k})`;
    used.add(name);
    return { name, blob: f.blob };
  });
}

export function fromFileList(list: FileList | File[]): NamedBlob[] {
  const out: NamedBlob[] = [];
  for (const f of Array.from(list)) {
    const name = (f as File & { webkitRelativePath?: string }).webkitRelativePath || f.name;
    if (keep(name)) out.push({ name, blob: f });
  }
  return out;
}

function readAllEntries(reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> {
  // readEntries returns the entries in batches (100 in Chromium) until an empty batch.
  return new Promise((resolve, reject) => {
    const all: FileSystemEntry[] = [];
    const next = () =>
      reader.readEntries((batch) => {
        if (batch.length === 0) resolve(all);
        else {
          all.push(...batch);
          next();
        }
      }, reject);
    next();
  });
}

async function walkEntry(entry: FileSystemEntry, out: NamedBlob[]): Promise<void> {
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
    const name = entry.fullPath.replace(/^\//, '') || file.name;
    if (keep(name)) out.push({ name, blob: file });
  } else if (entry.isDirectory) {
    const children = await readAllEntries((entry as FileSystemDirectoryEntry).createReader());
    for (const child of children) await walkEntry(child, out);
  }
}

/**
 * Everything dropped: files and folders (recursively). The entries must be taken from
 * the DataTransfer synchronously, inside the drop event; the walk itself is async.
 */
export function fromDataTransfer(dt: DataTransfer): Promise<NamedBlob[]> {
  const entries: FileSystemEntry[] = [];
  const loose: File[] = [];
  for (const item of Array.from(dt.items ?? [])) {
    if (item.kind !== 'file') continue;
    const entry = item.webkitGetAsEntry?.();
    if (entry) entries.push(entry);
    else {
      const f = item.getAsFile();
      if (f) loose.push(f);
    }
  }
  if (entries.length === 0 && loose.length === 0 && dt.files?.length) loose.push(...Array.from(dt.files));
  return (async () => {
    const out: NamedBlob[] = fromFileList(loose);
    for (const e of entries) await walkEntry(e, out);
    return out;
  })();
}
