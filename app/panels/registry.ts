/**
 * The right-hand tabs. Adding a panel is one entry here: an id, a title and a lazily
 * imported component (so Plotly- or vtk-heavy panels load only when opened), e.g.
 *
 *   { id: 'lesion', title: 'Lesion', load: () => import('../lesion/LesionPanel.tsx') }
 *
 * where the module's default export is the panel component (no props). Panels read the
 * app's state with `useStore(appStore, ...)` / `useStore(viewerStore, ...)` and call the
 * services: studyService (phase volumes), roi (the current ROI mask), viewerService.
 */
import { lazy, type ComponentType, type LazyExoticComponent } from 'react';

export interface PanelDefinition {
  id: string;
  title: string;
  load: () => Promise<{ default: ComponentType }>;
}

export const PANELS: PanelDefinition[] = [
  { id: 'lesion', title: 'Lesion', load: () => import('../lesion/LesionPanel.tsx') },
  { id: 'features', title: 'Features', load: () => import('../features/FeaturesPanel.tsx') },
  { id: 'cohort', title: 'Cohort', load: () => import('../cohort/CohortPanel.tsx') },
  { id: 'training', title: 'Training', load: () => import('../model/TrainingPanel.tsx') },
  { id: 'nomogram', title: 'Nomogram', load: () => import('../model/NomogramPanel.tsx') },
];

const lazyCache = new Map<string, LazyExoticComponent<ComponentType>>();
export function panelComponent(def: PanelDefinition): LazyExoticComponent<ComponentType> {
  let c = lazyCache.get(def.id);
  if (!c) {
    c = lazy(def.load);
    lazyCache.set(def.id, c);
  }
  return c;
}
