import { appStore } from '../store/appStore.ts';
import { useStore } from '../store/createStore.ts';
import { viewerStore } from './viewerStore.ts';

function Row({ k, v }: { k: string; v: string | number | undefined }) {
  if (v === undefined || v === '') return null;
  return (
    <tr>
      <th>{k}</th>
      <td>{v}</td>
    </tr>
  );
}

/** The selected series' identifying and geometric metadata. */
export function MetadataPanel() {
  const entry = useStore(appStore, (s) => s.series.find((e) => e.key === s.selectedSeriesKey));
  const phase = useStore(viewerStore, (s) => s.phase);
  if (!entry) return null;
  const { item } = entry;
  const ph = item.phases[entry.phaseOrder[phase] ?? 0];
  const g = ph?.geometry;
  const f = ph?.frames[0];
  return (
    <details className="metadata" data-testid="metadata-panel">
      <summary>Metadata</summary>
      <table>
        <tbody>
          <Row k="Patient" v={`${item.patientName} (${item.patientId})`} />
          <Row k="Study" v={`${item.studyDescription} ${item.studyDate}`} />
          <Row k="Series" v={`${item.seriesNumber} ${item.seriesDescription}`} />
          <Row k="Modality" v={item.modality} />
          <Row k="Manufacturer" v={item.manufacturer} />
          <Row k="Series UIDs" v={item.seriesInstanceUIDs.join(', ')} />
          <Row k="Frame of reference" v={item.frameOfReferenceUID} />
          <Row k="Rows x columns" v={`${item.rows} x ${item.columns}`} />
          <Row k="Slices x phases" v={`${item.slices} x ${item.phases.length}`} />
          <Row k="Phases from" v={item.phaseSource} />
          {g && <Row k="Voxel size (mm)" v={g.spacing.map((x) => x.toFixed(3)).join(' x ')} />}
          {g && <Row k="Origin (LPS mm)" v={g.origin.map((x) => x.toFixed(2)).join(', ')} />}
          {f && <Row k="Orientation" v={f.orientation.map((x) => x.toFixed(3)).join(', ')} />}
          {f && <Row k="Rescale (first slice)" v={`slope ${f.rescaleSlope}, intercept ${f.rescaleIntercept}`} />}
          <Row k="Transfer syntaxes" v={item.transferSyntaxUIDs?.join(', ')} />
          <Row k="Photometric" v={item.photometricInterpretation} />
          {item.contrastBolusStartTime !== undefined && <Row k="Bolus start (s)" v={item.contrastBolusStartTime} />}
        </tbody>
      </table>
    </details>
  );
}
