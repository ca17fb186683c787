/**
 * Start-up wiring: keyboard habits, what happens after an import (select the new series,
 * load a study's saved ROI), reopening the studies saved in this browser, and the demo
 * study on first start.
 */
import { readNrrd } from '../workers/io/nrrd.ts';
import { onKeyCommand, installKeyboard } from './components/keyboard.ts';
import { demoDismissed, ROI_EXTRA } from './import/persistence.ts';
import { loadPhase, onForgotten, onImported, phaseVolumeId, restorePersisted } from './import/studyService.ts';
import { addErrors, appStore, type SeriesEntry } from './store/appStore.ts';
import { setRoiMask, removeRoi } from './viewer/roi.ts';
import { clearSelection, selectSeries, showPhase } from './viewer/studyView.ts';
import { installTestHooks } from './viewer/testHooks.ts';
import { hasSavedRois, startLesionService } from './lesion/lesionService.ts';
import { installRoiTestHooks } from './lesion/roiTestHooks.ts';
import { viewerStore } from './viewer/viewerStore.ts';

function preferred(entries: SeriesEntry[]): SeriesEntry | undefined {
  return entries.find((e) => e.item.kind === 'dce') ?? entries[0];
}

let started = false;

export function startWorkstation(): void {
  if (started) return;
  started = true;
  installKeyboard();
  installTestHooks();
  installRoiTestHooks();
  startLesionService();
  onKeyCommand('previousPhase', () => {
    const { phase, phaseCount } = viewerStore.get();
    if (phaseCount > 1) void showPhase(phase - 1);
  });
  onKeyCommand('nextPhase', () => {
    const { phase, phaseCount } = viewerStore.get();
    if (phaseCount > 1) void showPhase(phase + 1);
  });

  onImported((entries, options) => {
    const target = preferred(entries);
    if (!target) return;
    const roi = options.extras?.find((e) => e.name === ROI_EXTRA);
    void (async () => {
      if (options.select !== false || !appStore.get().selectedSeriesKey) await selectSeries(target.key);
      if (!roi) return;
      // ROIs autosaved for this series (edited after the import) win over the file's.
      if (await hasSavedRois(target.key)) return;
      try {
        await loadPhase(target.key, 0);
        const mask = readNrrd(roi.data, ROI_EXTRA);
        await setRoiMask(target.key, phaseVolumeId(target.key, target.phaseOrder[0]), {
          ...mask,
          data: mask.data instanceof Uint8Array ? mask.data : Uint8Array.from(mask.data),
        });
      } catch (e) {
        addErrors([{ file: ROI_EXTRA, message: `the saved ROI could not be shown: ${(e as Error).message}` }]);
      }
    })();
  });

  onForgotten((_key, series) => {
    for (const e of series) removeRoi(e.key);
    if (!appStore.get().selectedSeriesKey) clearSelection();
  });

  void (async () => {
    let restored = 0;
    try {
      restored = await restorePersisted();
    } catch (e) {
      addErrors([{ file: 'saved studies', message: `could not be read: ${(e as Error).message}` }]);
    }
    // the cohort workspace: an extraction interrupted by a reload resumes (app/cohort)
    void import('./cohort/cohortService.ts').then((m) => m.initCohort());
    const params = new URLSearchParams(location.search);
    if (restored === 0 && !demoDismissed() && params.get('demo') !== '0') {
      const { openDemoStudy } = await import('./import/demoStudy.ts');
      await openDemoStudy();
    }
  })();
}
