import { appStore, getSeries } from '../store/appStore.ts';
import { useStore } from '../store/createStore.ts';
import { showPhase } from '../viewer/studyView.ts';
import { viewerStore } from '../viewer/viewerStore.ts';
import { arrangePhases } from './studyService.ts';

function clock(seconds?: number): string {
  if (seconds === undefined || !Number.isFinite(seconds)) return '';
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${s.toFixed(1).padStart(4, '0')}`;
}

/**
 * The phases of the selected DCE study, in display order (0 = pre-contrast .. N): move a
 * phase up or down, exclude it or bring it back. Non-blocking: the viewer stays usable.
 */
export function PhasePanel() {
  const key = useStore(appStore, (s) => s.selectedSeriesKey);
  const entry = useStore(appStore, (s) => s.series.find((e) => e.key === s.selectedSeriesKey));
  const current = useStore(viewerStore, (s) => s.phase);
  if (!key || !entry || entry.item.phases.length < 2) return null;
  const { item, phaseOrder, excluded } = entry;
  const t0 = item.phases[phaseOrder[0]]?.time;

  const apply = (order: number[], excl: number[]) => {
    arrangePhases(key, order, excl);
    const count = getSeries(key)?.phaseOrder.length ?? 0;
    viewerStore.set({ phaseCount: count });
    void showPhase(Math.min(current, count - 1));
  };
  const move = (p: number, delta: number) => {
    const order = [...phaseOrder];
    const q = p + delta;
    if (q < 0 || q >= order.length) return;
    [order[p], order[q]] = [order[q], order[p]];
    apply(order, excluded);
  };
  const exclude = (raw: number) => {
    if (phaseOrder.length <= 1) return;
    apply(phaseOrder, [...excluded, raw]);
  };
  const include = (raw: number) => {
    // Back at its place in acquisition order when the user has not reordered; last otherwise.
    const ascending = phaseOrder.every((r, i) => i === 0 || phaseOrder[i - 1] < r);
    const order = ascending ? [...phaseOrder, raw].sort((a, b) => a - b) : [...phaseOrder, raw];
    apply(order, excluded.filter((r) => r !== raw));
  };

  return (
    <details className="phase-panel" open data-testid="phase-panel">
      <summary>
        Phases ({phaseOrder.length}
        {excluded.length ? `, ${excluded.length} excluded` : ''}) · by {item.phaseSource ?? 'detection'}
      </summary>
      <ol start={0}>
        {phaseOrder.map((raw, p) => {
          const ph = item.phases[raw];
          const dt = ph.time !== undefined && t0 !== undefined ? ph.time - t0 : undefined;
          return (
            <li key={raw} data-testid="phase-row" data-raw={raw} className={p === current ? 'current' : ''}>
              <button className="link" title={ph.label} onClick={() => void showPhase(p)}>
                {p}: {p === 0 ? 'pre' : `post ${p}`}
              </button>{' '}
              <span className="phase-time">
                {clock(ph.time)}
                {dt !== undefined && p > 0 ? ` (+${dt.toFixed(0)} s)` : ''}
              </span>
              <span className="phase-actions">
                <button className="small" aria-label={`Move phase ${p} up`} disabled={p === 0} onClick={() => move(p, -1)}>
                  ↑
                </button>
                <button
                  className="small"
                  aria-label={`Move phase ${p} down`}
                  disabled={p === phaseOrder.length - 1}
                  onClick={() => move(p, 1)}
                >
                  ↓
                </button>
                <button className="small" aria-label={`Exclude phase ${p}`} onClick={() => exclude(raw)}>
                  Exclude
                </button>
              </span>
            </li>
          );
        })}
      </ol>
      {excluded.length > 0 && (
        <div className="excluded">
          Excluded:{' '}
          {excluded.map((raw) => (
            <button key={raw} className="small" onClick={() => include(raw)} data-testid="phase-include">
              {item.phases[raw].label} (include)
            </button>
          ))}
        </div>
      )}
    </details>
  );
}
