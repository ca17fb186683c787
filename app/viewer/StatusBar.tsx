import { useStore } from '../store/createStore.ts';
import { removeMeasurement } from './viewerService.ts';
import { viewerStore } from './viewerStore.ts';

function fmt(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toPrecision(6);
}

/** The voxel under the cursor (modality LUT applied) and the caliper lengths. */
export function StatusBar() {
  const r = useStore(viewerStore, (s) => s.readout);
  const measurements = useStore(viewerStore, (s) => s.measurements);
  const roiVoxels = useStore(viewerStore, (s) => s.roiVoxels);
  return (
    <div className="statusbar">
      <span
        className="readout"
        data-testid="voxel-readout"
        data-value={r ? String(r.value) : ''}
        data-ijk={r ? r.ijk.join(',') : ''}
        data-lps={r ? r.lps.join(',') : ''}
        data-viewport={r?.viewport ?? ''}
      >
        {r
          ? `${r.source} · voxel (${r.ijk.join(', ')}) · LPS (${r.lps.map((x) => x.toFixed(1)).join(', ')}) mm · value ${fmt(r.value)}`
          : 'Move the cursor over an image to read its voxel values'}
      </span>
      {roiVoxels !== null && (
        <span className="roi-status" data-testid="roi-status" data-voxels={roiVoxels}>
          ROI: {roiVoxels} voxels
        </span>
      )}
      {measurements.map((m) => (
        <span key={m.uid} className="measurement" data-testid="caliper-length" data-value={m.lengthMm}>
          {m.lengthMm.toFixed(1)} mm
          <button className="link" aria-label="Delete this measurement" onClick={() => removeMeasurement(m.uid)}>
            x
          </button>
        </span>
      ))}
    </div>
  );
}
