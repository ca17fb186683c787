/** State of the MPR viewer that the toolbar, overlays and panels show. */
import { createStore } from '../store/createStore.ts';

export const VIEWPORT_NAMES = ['axial', 'sagittal', 'coronal'] as const;
export type ViewportName = (typeof VIEWPORT_NAMES)[number];

/** Left-button tools of the toolbar; segmentation tools (issue 8) register more names. */
export type LeftTool = 'WindowLevel' | 'Pan' | 'Zoom' | 'Crosshairs' | 'Length' | (string & {});

/** What the viewports show: a phase of the series, or a view derived from one. */
export type ViewKind = 'phase' | 'subtraction' | 'mip';

export interface Readout {
  viewport: ViewportName;
  /** voxel index (i, j, k) in the displayed volume */
  ijk: [number, number, number];
  /** patient coordinates of the voxel centre, mm (LPS) */
  lps: [number, number, number];
  /** the stored value with the modality LUT applied (what Cornerstone shows) */
  value: number;
  /** what the value belongs to, e.g. "phase 2" or "subtraction 2 - 0" */
  source: string;
}

export interface SliceInfo {
  index: number;
  count: number;
}

export interface Measurement {
  uid: string;
  viewport: string;
  lengthMm: number;
}

export interface ViewerState {
  attached: boolean;
  /** key of the series whose volumes are displayed */
  seriesKey: string | null;
  view: ViewKind;
  /** display phase (0 = pre-contrast) */
  phase: number;
  phaseCount: number;
  cine: boolean;
  cineFps: number;
  tool: LeftTool;
  referenceLines: boolean;
  voi: { lower: number; upper: number } | null;
  readout: Readout | null;
  slices: Record<ViewportName, SliceInfo>;
  measurements: Measurement[];
  /** a rendering problem for the user (never blanks the app) */
  error: string | null;
  /** voxels in the ROI shown, or null when no ROI is shown */
  roiVoxels: number | null;
  /** increments each time a new volume is rendered (tests and panels wait on it) */
  renderCount: number;
}

export const viewerStore = createStore<ViewerState>({
  attached: false,
  seriesKey: null,
  view: 'phase',
  phase: 0,
  phaseCount: 0,
  cine: false,
  cineFps: 4,
  tool: 'WindowLevel',
  referenceLines: false,
  voi: null,
  readout: null,
  slices: { axial: { index: 0, count: 0 }, sagittal: { index: 0, count: 0 }, coronal: { index: 0, count: 0 } },
  measurements: [],
  error: null,
  roiVoxels: null,
  renderCount: 0,
});
