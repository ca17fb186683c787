/**
 * Imported studies kept in the browser's origin-private file system (OPFS), so that a
 * reload reopens them without choosing the files again. Nothing leaves the browser.
 *
 * Layout: studies/<key>/files/<n> (the DICOM files, byte for byte), extra files such as
 * mask.nrrd, and study.json written last (a study without it is an interrupted save and
 * is deleted at the next start).
 */

export interface PersistedStudy {
  key: string;
  studyInstanceUID: string;
  patientName: string;
  patientId: string;
  description: string;
  date: string;
  demo: boolean;
  /** the files' names as the user chose them, in storage order (files/<n>) */
  fileNames: string[];
  /** names of the extra files saved beside (e.g. "mask.nrrd") */
  extras: string[];
  savedAt: string;
}

const ROOT = 'studies';

/** Name of the extra file that carries a study's reader-1 ROI (NRRD on the DCE grid). */
export const ROI_EXTRA = 'roi-reader1.nrrd';
const PARALLEL_WRITES = 8;

export function persistenceAvailable(): boolean {
  return typeof navigator !== 'undefined' && !!navigator.storage?.getDirectory;
}

async function studiesDir(): Promise<FileSystemDirectoryHandle> {
  const root = await navigator.storage.getDirectory();
  return root.getDirectoryHandle(ROOT, { create: true });
}

async function writeFile(dir: FileSystemDirectoryHandle, name: string, data: Blob | ArrayBuffer | string): Promise<void> {
  const handle = await dir.getFileHandle(name, { create: true });
  const writable = await handle.createWritable();
  await writable.write(data);
  await writable.close();
}

/** Thrown by saveStudy when the study was forgotten while being saved. */
export class SaveCancelled extends Error {}

/**
 * Saves a study's files (and extras), then its description. `cancelled()` is polled
 * between files: a study forgotten while it is being saved is not written to the end.
 */
export async function saveStudy(
  study: Omit<PersistedStudy, 'fileNames' | 'extras' | 'savedAt'>,
  files: { name: string; blob: Blob }[],
  extras: { name: string; data: Blob | ArrayBuffer }[] = [],
  onProgress?: (done: number, total: number) => void,
  cancelled: () => boolean = () => false,
): Promise<void> {
  const dir = await (await studiesDir()).getDirectoryHandle(study.key, { create: true });
  const filesDir = await dir.getDirectoryHandle('files', { create: true });
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < files.length) {
      if (cancelled()) throw new SaveCancelled(study.key);
      const n = next++;
      await writeFile(filesDir, String(n), files[n].blob);
      done++;
      if (onProgress && (done % 16 === 0 || done === files.length)) onProgress(done, files.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_WRITES, files.length) }, worker));
  for (const e of extras) await writeFile(dir, e.name, e.data);
  if (cancelled()) throw new SaveCancelled(study.key);
  const record: PersistedStudy = {
    ...study,
    fileNames: files.map((f) => f.name),
    extras: extras.map((e) => e.name),
    savedAt: new Date().toISOString(),
  };
  await writeFile(dir, 'study.json', JSON.stringify(record));
}

/** Complete saved studies, oldest first; interrupted saves are removed. */
export async function listStudies(): Promise<PersistedStudy[]> {
  if (!persistenceAvailable()) return [];
  const dir = await studiesDir();
  const out: PersistedStudy[] = [];
  for await (const [name, handle] of dir as unknown as AsyncIterable<[string, FileSystemHandle]>) {
    if (handle.kind !== 'directory') continue;
    try {
      const f = await (await (handle as FileSystemDirectoryHandle).getFileHandle('study.json')).getFile();
      out.push(JSON.parse(await f.text()) as PersistedStudy);
    } catch {
      await dir.removeEntry(name, { recursive: true }).catch(() => undefined);
    }
  }
  return out.sort((a, b) => a.savedAt.localeCompare(b.savedAt));
}

/** The saved files as File objects (read lazily by whoever reads them). */
export async function loadStudyFiles(study: PersistedStudy): Promise<{ name: string; blob: Blob }[]> {
  const dir = await (await studiesDir()).getDirectoryHandle(study.key);
  const filesDir = await dir.getDirectoryHandle('files');
  return Promise.all(
    study.fileNames.map(async (name, n) => ({ name, blob: await (await filesDir.getFileHandle(String(n))).getFile() })),
  );
}

export async function readExtra(key: string, name: string): Promise<ArrayBuffer | null> {
  try {
    const dir = await (await studiesDir()).getDirectoryHandle(key);
    return await (await (await dir.getFileHandle(name)).getFile()).arrayBuffer();
  } catch {
    return null;
  }
}

export async function writeExtra(key: string, name: string, data: Blob | ArrayBuffer): Promise<void> {
  const dir = await (await studiesDir()).getDirectoryHandle(key);
  await writeFile(dir, name, data);
}

export async function forgetStudy(key: string): Promise<void> {
  const dir = await studiesDir();
  await dir.removeEntry(key, { recursive: true }).catch(() => undefined);
}

const DEMO_DISMISSED = 'her2.demoDismissed';
export function demoDismissed(): boolean {
  try {
    return localStorage.getItem(DEMO_DISMISSED) === '1';
  } catch {
    return false;
  }
}
export function setDemoDismissed(dismissed: boolean): void {
  try {
    if (dismissed) localStorage.setItem(DEMO_DISMISSED, '1');
    else localStorage.removeItem(DEMO_DISMISSED);
  } catch {
    // storage unavailable: the demo comes back next time, which is harmless
  }
}
