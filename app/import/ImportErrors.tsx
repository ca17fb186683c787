import { appStore, dismissError } from '../store/appStore.ts';
import { useStore } from '../store/createStore.ts';

/** One line per problem of an import, naming the file (or series); dismissable. */
export function ImportErrors() {
  const errors = useStore(appStore, (s) => s.errors);
  if (errors.length === 0) return null;
  return (
    <section className="import-errors" aria-label="Import problems">
      <h3>
        Problems ({errors.length})
        <button className="small" onClick={() => errors.forEach((e) => dismissError(e.id))}>
          Clear
        </button>
      </h3>
      <ul>
        {errors.map((e) => (
          <li key={e.id} data-testid="import-error" data-file={e.file} title={e.message}>
            {e.message.includes(e.file) ? (
              e.message
            ) : (
              <>
                <strong>{e.file}</strong>: {e.message}
              </>
            )}
            <button className="link" aria-label={`Dismiss the problem with ${e.file}`} onClick={() => dismissError(e.id)}>
              x
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
