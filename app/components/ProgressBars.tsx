import { appStore } from '../store/appStore.ts';
import { useStore } from '../store/createStore.ts';

/** One bar per long-running job, with its cancel button when it can be cancelled. */
export function ProgressBars() {
  const jobs = useStore(appStore, (s) => s.jobs);
  if (jobs.length === 0) return null;
  return (
    <div className="progress-list">
      {jobs.map((j) => (
        <div className="progress" key={j.id} data-testid="progress">
          <span className="progress-label">{j.label}</span>
          <progress max={Math.max(1, j.total)} value={j.done} />
          <span className="progress-count">
            {j.done}/{j.total}
          </span>
          {j.cancel && (
            <button className="small" onClick={j.cancel} data-testid="progress-cancel">
              Cancel
            </button>
          )}
        </div>
      ))}
    </div>
  );
}
