/**
 * Viewer keyboard habits, in one place: Ctrl+Z / Ctrl+Y (and Ctrl+Shift+Z) are reserved for
 * the ROI's undo and redo (the ROI tools register the handlers), left/right arrows step
 * through the phases. Keys typed into form fields are left alone.
 */
type Handler = () => void;

const handlers: { undo: Handler[]; redo: Handler[]; previousPhase: Handler[]; nextPhase: Handler[] } = {
  undo: [],
  redo: [],
  previousPhase: [],
  nextPhase: [],
};

export function onKeyCommand(command: keyof typeof handlers, handler: Handler): () => void {
  handlers[command].push(handler);
  return () => {
    handlers[command] = handlers[command].filter((h) => h !== handler);
  };
}

function run(command: keyof typeof handlers): boolean {
  const list = handlers[command];
  for (const h of list) h();
  return list.length > 0;
}

function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return !!el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable);
}

let installed = false;
export function installKeyboard(): void {
  if (installed) return;
  installed = true;
  window.addEventListener('keydown', (e) => {
    if (isTyping(e.target)) return;
    const ctrl = e.ctrlKey || e.metaKey;
    const key = e.key.toLowerCase();
    if (ctrl && key === 'z' && !e.shiftKey) {
      e.preventDefault();
      run('undo');
    } else if (ctrl && (key === 'y' || (key === 'z' && e.shiftKey))) {
      e.preventDefault();
      run('redo');
    } else if (!ctrl && e.key === 'ArrowLeft') {
      if (run('previousPhase')) e.preventDefault();
    } else if (!ctrl && e.key === 'ArrowRight') {
      if (run('nextPhase')) e.preventDefault();
    }
  });
}
