import { useEffect, useRef, useState, type ChangeEvent } from 'react';
import { dicomWorkers } from './dicomWorker.ts';
import { fromDataTransfer, fromFileList } from './fileSources.ts';
import { importFiles } from './studyService.ts';

/** File and folder pickers, and the window-wide drop zone for files and folders. */
export function ImportControls() {
  const folderRef = useRef<HTMLInputElement>(null);
  const [dragging, setDragging] = useState(false);

  useEffect(() => {
    // webkitdirectory is not in React's attribute list: set it on the element.
    folderRef.current?.setAttribute('webkitdirectory', '');
    folderRef.current?.setAttribute('directory', '');
    // The DICOM workers start now, not when the first files are chosen (their start took
    // 0.1-0.5 s of the first import on the busy 2-core machine).
    dicomWorkers();
  }, []);

  useEffect(() => {
    let depth = 0;
    const hasFiles = (e: DragEvent) => Array.from(e.dataTransfer?.types ?? []).includes('Files');
    const enter = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      depth++;
      setDragging(true);
    };
    const leave = () => {
      depth = Math.max(0, depth - 1);
      if (depth === 0) setDragging(false);
    };
    const over = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
    };
    const drop = (e: DragEvent) => {
      if (!e.dataTransfer || !hasFiles(e)) return;
      e.preventDefault();
      depth = 0;
      setDragging(false);
      void fromDataTransfer(e.dataTransfer).then((files) => importFiles(files));
    };
    window.addEventListener('dragenter', enter);
    window.addEventListener('dragleave', leave);
    window.addEventListener('dragover', over);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragenter', enter);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('dragover', over);
      window.removeEventListener('drop', drop);
    };
  }, []);

  const onPick = (e: ChangeEvent<HTMLInputElement>) => {
    performance.mark('her2:files-selected');
    const files = e.target.files ? fromFileList(e.target.files) : [];
    e.target.value = '';
    void importFiles(files);
  };

  return (
    <div className="import-controls">
      <label className="button" title="Open DICOM files">
        Open files
        <input type="file" multiple data-testid="dicom-input" onChange={onPick} hidden />
      </label>
      <label className="button" title="Open a folder of DICOM files (with its sub-folders)">
        Open folder
        <input type="file" multiple ref={folderRef} data-testid="dicom-folder-input" onChange={onPick} hidden />
      </label>
      <span className="hint">or drop files and folders anywhere</span>
      <button
        title="Generate the synthetic demo study again (not for clinical use)"
        data-testid="open-demo"
        onClick={() => void import('./demoStudy.ts').then((m) => m.openDemoStudy())}
      >
        Demo study
      </button>
      {dragging && (
        <div className="drop-overlay" data-testid="drop-overlay">
          Drop DICOM files or folders to import them (they stay in this browser)
        </div>
      )}
    </div>
  );
}
