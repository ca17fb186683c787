import { useEffect } from 'react';
import { startWorkstation } from './bootstrap.ts';
import { ErrorBoundary } from './components/ErrorBoundary.tsx';
import { ProgressBars } from './components/ProgressBars.tsx';
import { RightTabs } from './components/Tabs.tsx';
import { ImportControls } from './import/ImportControls.tsx';
import { ImportErrors } from './import/ImportErrors.tsx';
import { PhasePanel } from './import/PhasePanel.tsx';
import { SeriesList } from './import/SeriesList.tsx';
import { appStore } from './store/appStore.ts';
import { useStore } from './store/createStore.ts';
import { MetadataPanel } from './viewer/MetadataPanel.tsx';
import { StatusBar } from './viewer/StatusBar.tsx';
import { Toolbar } from './viewer/Toolbar.tsx';
import { RoiToolbar } from './lesion/RoiToolbar.tsx';
import { Viewports } from './viewer/Viewports.tsx';

export function App() {
  const status = useStore(appStore, (s) => s.status);
  useEffect(() => startWorkstation(), []);
  return (
    <div className="app">
      <header className="topbar">
        <h1>HER2 workstation</h1>
        <ImportControls />
        <span className="status" data-testid="status">
          {status}
        </span>
        <span className="research">For research use · not a medical device · nothing leaves this browser</span>
      </header>
      <aside className="left">
        <ErrorBoundary name="The series list">
          <SeriesList />
          <ImportErrors />
          <PhasePanel />
          <MetadataPanel />
        </ErrorBoundary>
      </aside>
      <main className="center">
        <ErrorBoundary name="The viewer">
          <Toolbar />
          <RoiToolbar />
          <Viewports />
          <StatusBar />
        </ErrorBoundary>
        <ProgressBars />
      </main>
      <aside className="right">
        <ErrorBoundary name="The panels">
          <RightTabs />
        </ErrorBoundary>
      </aside>
    </div>
  );
}
