import { useEffect, useRef } from 'react';
import { useStore } from '../store/createStore.ts';
import { attach } from './viewerService.ts';
import { VIEWPORT_NAMES, viewerStore, type ViewportName } from './viewerStore.ts';
import { ThreeDSlot } from './ThreeDSlot.tsx';

const TITLES: Record<ViewportName, string> = { axial: 'Axial', sagittal: 'Sagittal', coronal: 'Coronal' };

function SliceLabel({ name }: { name: ViewportName }) {
  const slice = useStore(viewerStore, (s) => s.slices[name]);
  const view = useStore(viewerStore, (s) => s.view);
  const phase = useStore(viewerStore, (s) => s.phase);
  const phaseCount = useStore(viewerStore, (s) => s.phaseCount);
  const what =
    view === 'phase'
      ? phaseCount > 1
        ? `phase ${phase}`
        : ''
      : view === 'subtraction'
        ? `subtraction ${phase} - 0`
        : `MIP of subtraction ${phase} - 0`;
  return (
    <div className="viewport-label">
      <span>{TITLES[name]}</span>
      <span>{what}</span>
      {slice.count > 0 && view !== 'mip' && (
        <span data-testid={`slice-${name}`}>
          {slice.index + 1}/{slice.count}
        </span>
      )}
    </div>
  );
}

/** The MPR viewports (and the slot of the 3D view). */
export function Viewports() {
  const refs = {
    axial: useRef<HTMLDivElement>(null),
    sagittal: useRef<HTMLDivElement>(null),
    coronal: useRef<HTMLDivElement>(null),
  };
  const error = useStore(viewerStore, (s) => s.error);
  useEffect(() => {
    const els = { axial: refs.axial.current, sagittal: refs.sagittal.current, coronal: refs.coronal.current };
    if (els.axial && els.sagittal && els.coronal) {
      try {
        attach(els as Record<ViewportName, HTMLDivElement>);
      } catch (e) {
        viewerStore.set({ error: `The viewer could not start (WebGL): ${(e as Error).message}` });
      }
    }
    // The rendering engine lives as long as the page (React StrictMode mounts twice).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  return (
    <div className="viewport-grid">
      {VIEWPORT_NAMES.map((name) => (
        <div className="viewport-cell" key={name}>
          <div ref={refs[name]} className="viewport" data-testid={`viewport-${name}`} />
          <SliceLabel name={name} />
        </div>
      ))}
      <div className="viewport-cell">
        <ThreeDSlot />
      </div>
      {error && (
        <div className="viewer-error" role="alert" data-testid="viewer-error">
          {error}
        </div>
      )}
    </div>
  );
}
