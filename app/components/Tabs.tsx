import { Suspense, useState } from 'react';
import { PANELS, panelComponent } from '../panels/registry.ts';

/** The right-hand tabs; a panel is mounted when first opened and kept mounted after. */
export function RightTabs() {
  const [active, setActive] = useState(PANELS[0]?.id ?? '');
  const [opened, setOpened] = useState<string[]>([PANELS[0]?.id ?? '']);
  const open = (id: string) => {
    setActive(id);
    setOpened((o) => (o.includes(id) ? o : [...o, id]));
  };
  return (
    <div className="tabs">
      <div className="tab-bar" role="tablist">
        {PANELS.map((p) => (
          <button
            key={p.id}
            role="tab"
            aria-selected={active === p.id}
            data-testid={`tab-${p.id}`}
            className={active === p.id ? 'tab active' : 'tab'}
            onClick={() => open(p.id)}
          >
            {p.title}
          </button>
        ))}
      </div>
      {PANELS.filter((p) => opened.includes(p.id)).map((p) => {
        const Panel = panelComponent(p);
        return (
          <div key={p.id} role="tabpanel" className="tab-panel" hidden={active !== p.id} data-testid={`panel-${p.id}`}>
            <Suspense fallback={<p className="placeholder">Loading {p.title}...</p>}>
              <Panel />
            </Suspense>
          </div>
        );
      })}
    </div>
  );
}
