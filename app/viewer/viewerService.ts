/**
 * The viewer service: the only module (with its siblings in app/viewer/) that touches
 * Cornerstone. Three orthographic volume viewports (axial, sagittal, coronal), one tool
 * group, window/level synchronised between them, the voxel readout, calipers, and the
 * volumes shown (phases, subtraction, MIPs) registered with their source arrays.
 *
 * Extension points for later panels:
 * - `registerTool(ToolClass, options)` adds a Cornerstone tool to the group (issue 8's
 *   brushes); `setLeftTool(name)` makes it the primary-button tool.
 * - `getDisplayedVolume(viewport)` gives the array and geometry under a viewport.
 * - `onRender(listener)` is called after each render of new content.
 */
import {
  Enums as csEnums,
  eventTarget,
  getRenderingEngine,
  init as coreInit,
  RenderingEngine,
  type Types,
} from '@cornerstonejs/core';
import * as csTools from '@cornerstonejs/tools';
import { physicalToIndex, indexToPhysical, type Vec3, type Volume } from '../../workers/io/volume.ts';
import { createCornerstoneVolume, removeCornerstoneVolume, type DisplayArray, type VolumeMeta } from './cornerstoneVolume.ts';
import { blendOverlaysPlainly } from './renderPasses.ts';
import { VIEWPORT_NAMES, viewerStore, type LeftTool, type ViewportName } from './viewerStore.ts';

const ENGINE_ID = 'her2-engine';
const TOOL_GROUP_ID = 'her2-mpr';
const VOI_SYNC_ID = 'her2-voi';

const ORIENTATION: Record<ViewportName, csEnums.OrientationAxis> = {
  axial: csEnums.OrientationAxis.AXIAL,
  sagittal: csEnums.OrientationAxis.SAGITTAL,
  coronal: csEnums.OrientationAxis.CORONAL,
};

/** A volume known to the viewer: our array and geometry, and what it is. */
export interface RegisteredVolume {
  volumeId: string;
  volume: Volume;
  /** the array Cornerstone renders (the same memory as volume.data when its type allows) */
  data: DisplayArray;
  label: string;
}

const volumes = new Map<string, RegisteredVolume>();
const displayed: Record<ViewportName, string | null> = { axial: null, sagittal: null, coronal: null };
const renderListeners = new Set<() => void>();
let initialised = false;
let engine: RenderingEngine | null = null;

function viewportId(name: ViewportName): string {
  return `her2-${name}`;
}

function viewport(name: ViewportName): Types.IVolumeViewport | undefined {
  return engine?.getViewport(viewportId(name)) as Types.IVolumeViewport | undefined;
}

function toolGroup() {
  return csTools.ToolGroupManager.getToolGroup(TOOL_GROUP_ID);
}

function initCornerstone(): void {
  if (initialised) return;
  initialised = true;
  // One WebGL context for the three viewports ("tiled"): a volume's texture is uploaded
  // once, not once per viewport as with the default pool of contexts.
  coreInit({ rendering: { renderingEngineMode: csEnums.RenderingEngineModeEnum.Tiled } } as Parameters<typeof coreInit>[0]);
  csTools.init();
  for (const T of [
    csTools.WindowLevelTool,
    csTools.PanTool,
    csTools.ZoomTool,
    csTools.StackScrollTool,
    csTools.CrosshairsTool,
    csTools.LengthTool,
  ]) {
    csTools.addTool(T);
  }
  eventTarget.addEventListener(csTools.Enums.Events.ANNOTATION_COMPLETED, updateMeasurements);
  eventTarget.addEventListener(csTools.Enums.Events.ANNOTATION_MODIFIED, updateMeasurements);
  eventTarget.addEventListener(csTools.Enums.Events.ANNOTATION_REMOVED, updateMeasurements);
}

/** Creates the rendering engine on the three viewport elements (once; later calls no-op). */
export function attach(elements: Record<ViewportName, HTMLDivElement>): void {
  initCornerstone();
  if (engine && !engine.hasBeenDestroyed) return;
  engine = (getRenderingEngine(ENGINE_ID) as RenderingEngine | undefined) ?? new RenderingEngine(ENGINE_ID);
  engine.setViewports(
    VIEWPORT_NAMES.map((name) => ({
      viewportId: viewportId(name),
      type: csEnums.ViewportType.ORTHOGRAPHIC,
      element: elements[name],
      defaultOptions: { orientation: ORIENTATION[name], background: [0, 0, 0] as Types.Point3 },
    })),
  );
  // The label map overlays blended straight onto their viewport (./renderPasses.ts).
  blendOverlaysPlainly(
    (engine.getOffscreenMultiRenderWindow(viewportId('axial')) as unknown as { getOpenGLRenderWindow(): Parameters<typeof blendOverlaysPlainly>[0] }).getOpenGLRenderWindow(),
  );
  const group = csTools.ToolGroupManager.createToolGroup(TOOL_GROUP_ID)!;
  for (const name of VIEWPORT_NAMES) group.addViewport(viewportId(name), ENGINE_ID);
  group.addTool(csTools.WindowLevelTool.toolName);
  group.addTool(csTools.PanTool.toolName);
  group.addTool(csTools.ZoomTool.toolName);
  group.addTool(csTools.StackScrollTool.toolName);
  group.addTool(csTools.LengthTool.toolName);
  group.addTool(csTools.CrosshairsTool.toolName, {
    getReferenceLineColor: (id: string) =>
      ({ 'her2-axial': 'rgb(220, 60, 60)', 'her2-sagittal': 'rgb(240, 200, 40)', 'her2-coronal': 'rgb(60, 200, 60)' })[id] ??
      'rgb(200, 200, 200)',
    getReferenceLineControllable: () => true,
    getReferenceLineDraggableRotatable: () => false,
    getReferenceLineSlabThicknessControlsOn: () => false,
  });
  const { MouseBindings } = csTools.Enums;
  group.setToolActive(csTools.WindowLevelTool.toolName, { bindings: [{ mouseButton: MouseBindings.Primary }] });
  group.setToolActive(csTools.PanTool.toolName, { bindings: [{ mouseButton: MouseBindings.Auxiliary }] });
  group.setToolActive(csTools.ZoomTool.toolName, { bindings: [{ mouseButton: MouseBindings.Secondary }] });
  group.setToolActive(csTools.StackScrollTool.toolName, { bindings: [{ mouseButton: MouseBindings.Wheel }] });
  group.setToolPassive(csTools.LengthTool.toolName);

  const sync = csTools.synchronizers.createVOISynchronizer(VOI_SYNC_ID, { syncInvertState: false, syncColormap: false });
  for (const name of VIEWPORT_NAMES) {
    sync.add({ renderingEngineId: ENGINE_ID, viewportId: viewportId(name) });
    const el = elements[name];
    el.addEventListener('mousemove', (e) => onMouseMove(name, el, e));
    el.addEventListener('mouseleave', () => viewerStore.set({ readout: null }));
    el.addEventListener(csEnums.Events.CAMERA_MODIFIED, () => updateSliceInfo(name));
    el.addEventListener(csEnums.Events.VOI_MODIFIED, ((e: CustomEvent) => {
      const range = e.detail?.range as { lower: number; upper: number } | undefined;
      if (range && displayed[name] && !displaying) viewerStore.set({ voi: { lower: range.lower, upper: range.upper } });
    }) as EventListener);
    el.oncontextmenu = (e) => e.preventDefault();
  }
  const resize = new ResizeObserver(() => engine?.resize(true, true));
  for (const name of VIEWPORT_NAMES) resize.observe(elements[name]);
  viewerStore.set({ attached: true });
  warmingUp = warmUpRendering().catch(() => undefined);
}

/** Until it resolves, the viewports are busy with the start-up draw (display waits). */
let warmingUp: Promise<void> = Promise.resolve();

/**
 * Draws a tiny volume once in the three viewports, then removes it: the volume shader is
 * compiled (and the GL state set up) while the user is still choosing files, not when the
 * first study is shown. Measured under SwiftShader on the 2-core machine: the compilation
 * alone kept the first study's frame 0.3-0.7 s longer. (The shader does not depend on the
 * volume's size; it does on its type: a 1-component 16-bit volume, as DICOM MR gives.)
 */
async function warmUpRendering(): Promise<void> {
  if (!engine) return;
  const id = 'her2-warmup';
  createCornerstoneVolume(
    id,
    { size: [2, 2, 2], spacing: [1, 1, 1], origin: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1], data: new Int16Array(8) },
    { frameOfReferenceUID: 'her2-warmup', modality: 'MR' },
  );
  try {
    await Promise.all(VIEWPORT_NAMES.map((name) => viewport(name)?.setVolumes([{ volumeId: id }], false, true)));
    await renderAndWait();
    await gpuFinished();
  } finally {
    for (const name of VIEWPORT_NAMES) if (!displayed[name]) viewport(name)?.removeAllActors();
    removeCornerstoneVolume(id);
    engine?.render();
  }
}

/**
 * Registers our array as a Cornerstone volume (replacing one with the same id);
 * `sliceRanges` ([2k] min, [2k + 1] max of slice k), when known, saves a pass over it.
 */
export function registerVolume(
  volumeId: string,
  volume: Volume,
  meta: VolumeMeta,
  label: string,
  sliceRanges?: Float64Array,
): RegisteredVolume {
  const { data } = createCornerstoneVolume(volumeId, volume, meta, sliceRanges);
  const entry = { volumeId, volume, data, label };
  volumes.set(volumeId, entry);
  return entry;
}

/** Bytes of voxels held by the volumes whose id starts with `prefix` (a display copy counted too). */
export function registeredBytes(prefix: string): number {
  let n = 0;
  for (const [id, v] of volumes) {
    if (!id.startsWith(prefix)) continue;
    n += v.volume.data.byteLength;
    if (v.data.buffer !== v.volume.data.buffer) n += v.data.byteLength;
  }
  return n;
}

/** How many volumes are registered (the test hooks watch memory with it). */
export function registeredVolumeCount(): number {
  return volumes.size;
}

export function hasVolume(volumeId: string): boolean {
  return volumes.has(volumeId);
}

export function getVolume(volumeId: string): RegisteredVolume | undefined {
  return volumes.get(volumeId);
}

/** Drops volumes whose id starts with `prefix` (a forgotten series), unless displayed. */
export function releaseVolumes(prefix: string): void {
  for (const id of [...volumes.keys()]) {
    if (!id.startsWith(prefix)) continue;
    if (Object.values(displayed).includes(id)) continue;
    volumes.delete(id);
    removeCornerstoneVolume(id);
  }
}

export function getDisplayedVolume(name: ViewportName): RegisteredVolume | undefined {
  const id = displayed[name];
  return id ? volumes.get(id) : undefined;
}

/** Robust display range: the 0.5th and 99.5th percentiles of a sample of the voxels. */
export function robustRange(data: ArrayLike<number>, lowQ = 0.005, highQ = 0.995): { lower: number; upper: number } {
  const n = data.length;
  const step = Math.max(1, Math.floor(n / 200_000));
  const sample = new Float32Array(Math.ceil(n / step));
  let m = 0;
  for (let i = 0; i < n; i += step) sample[m++] = data[i];
  const s = sample.subarray(0, m).sort();
  const lower = s[Math.floor(lowQ * (m - 1))];
  let upper = s[Math.ceil(highQ * (m - 1))];
  if (!(upper > lower)) upper = lower + 1;
  return { lower, upper };
}

/**
 * Shows volumes in the viewports (one id for all three, or one per viewport for MIPs).
 * Keeps the camera (zoom, pan, slice) when the new content is on the same grid as the old
 * (switching phases), resets it otherwise; applies `voi` (or keeps the current one);
 * `invert` shows MONOCHROME1 images as they are meant (low values bright).
 */
export async function display(
  ids: Record<ViewportName, string>,
  options: { voi?: { lower: number; upper: number }; resetCamera?: boolean; invert?: boolean } = {},
): Promise<void> {
  if (!engine) return;
  await warmingUp;
  displaying++;
  try {
    await showVolumes(ids, options);
  } finally {
    displaying--;
  }
  for (const name of VIEWPORT_NAMES) updateSliceInfo(name);
  for (const l of renderListeners) l();
}

/**
 * While a display is in progress, the store is not told of the intermediate camera and VOI
 * events: its subscribers (the panels, the ROI service) would start work on the main
 * thread while the first frame is being drawn. It is told once the frame is drawn.
 */
let displaying = 0;

async function showVolumes(
  ids: Record<ViewportName, string>,
  options: { voi?: { lower: number; upper: number }; resetCamera?: boolean; invert?: boolean },
): Promise<void> {
  if (!engine) return;
  const voi = options.voi ?? viewerStore.get().voi ?? robustRange(volumes.get(ids.axial)!.data);
  await Promise.all(
    VIEWPORT_NAMES.map(async (name) => {
      const vp = viewport(name);
      if (!vp) return;
      const previous = displayed[name] ? volumes.get(displayed[name]!) : undefined;
      const next = volumes.get(ids[name])!;
      const keepCamera =
        !options.resetCamera && previous && sameGrid(previous.volume, next.volume) ? vp.getCamera() : null;
      await vp.setVolumes([{ volumeId: ids[name] }], false, true);
      displayed[name] = ids[name];
      // setVolumes resets the camera before the new actor's bounds are settled, which can
      // leave a view outside the volume (a black axial view): reset again now.
      if (keepCamera) vp.setCamera(keepCamera);
      else vp.resetCamera();
      vp.setProperties({ voiRange: voi, invert: !!options.invert }, undefined, true);
    }),
  );
  ensureCrosshairsMode();
  // One frame (cornerstoneVolume.ts flags a new volume's slices for upload, so the first
  // frame draws all three views), awaited until the GPU has drawn it, which under
  // SwiftShader comes well after the draw calls.
  await renderAndWait();
  await gpuFinished();
  performance.mark('her2:rendered', { detail: { volumeId: ids.axial } });
  viewerStore.set((s) => ({ voi, renderCount: s.renderCount + 1, error: null }));
}

function sameGrid(a: Volume, b: Volume): boolean {
  for (let i = 0; i < 3; i++) {
    if (a.size[i] !== b.size[i]) return false;
    if (Math.abs(a.spacing[i] - b.spacing[i]) > 1e-4) return false;
    if (Math.abs(a.origin[i] - b.origin[i]) > 1e-3) return false;
  }
  return true;
}

/** Renders and resolves once every viewport has drawn (or after a second at most). */
function renderAndWait(): Promise<void> {
  if (!engine) return Promise.resolve();
  const elements = VIEWPORT_NAMES.map((n) => viewport(n)?.element).filter((e): e is HTMLDivElement => !!e);
  const done = Promise.all(
    elements.map(
      (el) =>
        new Promise<void>((resolve) => {
          const timer = setTimeout(finish, 1000);
          function finish() {
            clearTimeout(timer);
            el.removeEventListener(csEnums.Events.IMAGE_RENDERED, finish);
            resolve();
          }
          el.addEventListener(csEnums.Events.IMAGE_RENDERED, finish);
        }),
    ),
  ).then(() => undefined);
  engine.render();
  return done;
}

/**
 * Resolves when the GPU has executed every command issued so far on the viewports' WebGL
 * context (a fence, polled without blocking the main thread), or after `timeoutMs`.
 */
async function gpuFinished(timeoutMs = 5000): Promise<void> {
  const vp = viewport('axial');
  const views = (vp?.getRenderer()?.getRenderWindow() as { getViews?(): { getContext?(): unknown }[] } | undefined)?.getViews?.();
  const gl = views?.[0]?.getContext?.();
  if (!(gl instanceof WebGL2RenderingContext)) return;
  const sync = gl.fenceSync(gl.SYNC_GPU_COMMANDS_COMPLETE, 0);
  if (!sync) return;
  gl.flush();
  const until = performance.now() + timeoutMs;
  try {
    // (the status is updated between tasks: poll from timers)
    while (gl.getSyncParameter(sync, gl.SYNC_STATUS) !== gl.SIGNALED && performance.now() < until) {
      await new Promise((r) => setTimeout(r, 4));
    }
  } finally {
    gl.deleteSync(sync);
  }
}

/** Clears the viewports (the series shown was forgotten). */
export function clearDisplay(): void {
  if (!engine) return;
  for (const name of VIEWPORT_NAMES) {
    const vp = viewport(name);
    if (vp && displayed[name]) vp.removeAllActors();
    displayed[name] = null;
  }
  engine.render();
  viewerStore.set({ readout: null, seriesKey: null, phaseCount: 0 });
}

export function setVoi(voi: { lower: number; upper: number }): void {
  for (const name of VIEWPORT_NAMES) {
    const vp = viewport(name);
    if (vp && displayed[name]) vp.setProperties({ voiRange: voi }, undefined, true);
  }
  engine?.render();
  viewerStore.set({ voi });
}

export function resetCameras(): void {
  for (const name of VIEWPORT_NAMES) viewport(name)?.resetCamera();
  engine?.render();
}

// ---- tools -------------------------------------------------------------------------

let crosshairsAdded = false;
function ensureCrosshairsMode(): void {
  const group = toolGroup();
  if (!group) return;
  const { tool, referenceLines } = viewerStore.get();
  const name = csTools.CrosshairsTool.toolName;
  if (tool === 'Crosshairs') return;
  if (referenceLines) {
    group.setToolPassive(name);
    crosshairsAdded = true;
  } else if (crosshairsAdded) {
    group.setToolDisabled(name);
  }
}

/** Registers a Cornerstone tool class in the viewer's tool group (passive until chosen). */
export function registerTool(ToolClass: typeof csTools.BaseTool, configuration?: Record<string, unknown>): void {
  initCornerstone();
  const name = (ToolClass as unknown as { toolName: string }).toolName;
  if (!csTools.state.tools[name]) csTools.addTool(ToolClass);
  const group = toolGroup();
  if (group && !group.hasTool(name)) {
    group.addTool(name, configuration);
    group.setToolPassive(name);
  }
}

/** Makes `name` the primary-button tool; the previous one becomes passive. */
export function setLeftTool(name: LeftTool): void {
  const group = toolGroup();
  if (!group) return;
  const previous = viewerStore.get().tool;
  if (previous !== name) {
    if (previous === 'Crosshairs') {
      if (viewerStore.get().referenceLines) group.setToolPassive(csTools.CrosshairsTool.toolName);
      else group.setToolDisabled(csTools.CrosshairsTool.toolName);
    } else group.setToolPassive(previous);
  }
  group.setToolActive(name, { bindings: [{ mouseButton: csTools.Enums.MouseBindings.Primary }] });
  if (name === 'Crosshairs') crosshairsAdded = true;
  viewerStore.set({ tool: name });
  engine?.render();
}

export function setReferenceLines(on: boolean): void {
  viewerStore.set({ referenceLines: on });
  if (Object.values(displayed).some(Boolean)) ensureCrosshairsMode();
  engine?.render();
}

function updateMeasurements(): void {
  const all = csTools.annotation.state.getAllAnnotations?.() ?? [];
  const measurements = all
    .filter((a) => a.metadata?.toolName === csTools.LengthTool.toolName)
    .map((a) => {
      const stats = a.data?.cachedStats as Record<string, { length?: number }> | undefined;
      const first = stats ? Object.values(stats)[0] : undefined;
      return { uid: a.annotationUID ?? '', viewport: (a.metadata as { viewportId?: string } | undefined)?.viewportId ?? '', lengthMm: first?.length ?? NaN };
    })
    .filter((m) => Number.isFinite(m.lengthMm));
  viewerStore.set({ measurements });
}

export function removeMeasurement(uid: string): void {
  csTools.annotation.state.removeAnnotation(uid);
  engine?.render();
  updateMeasurements();
}

// ---- slices, cursor, readout ----------------------------------------------------

function updateSliceInfo(name: ViewportName): void {
  const vp = viewport(name);
  if (!vp || !displayed[name] || displaying) return;
  try {
    const index = vp.getSliceIndex();
    const count = (vp as unknown as { getNumberOfSlices(): number }).getNumberOfSlices();
    const cur = viewerStore.get().slices[name];
    if (cur.index !== index || cur.count !== count) {
      viewerStore.set((s) => ({ slices: { ...s.slices, [name]: { index, count } } }));
    }
  } catch {
    // camera events can arrive before the actors are ready
  }
}

let pendingMove: { name: ViewportName; x: number; y: number } | null = null;
function onMouseMove(name: ViewportName, el: HTMLDivElement, e: MouseEvent): void {
  const rect = el.getBoundingClientRect();
  const first = pendingMove === null;
  pendingMove = { name, x: e.clientX - rect.left, y: e.clientY - rect.top };
  if (first) requestAnimationFrame(flushReadout);
}

function flushReadout(): void {
  const move = pendingMove;
  pendingMove = null;
  if (!move) return;
  viewerStore.set({ readout: readoutAt(move.name, [move.x, move.y]) });
}

/** The voxel under canvas point `xy` (CSS pixels) of a viewport, or null outside. */
export function readoutAt(name: ViewportName, xy: [number, number]) {
  const vp = viewport(name);
  const reg = getDisplayedVolume(name);
  if (!vp || !reg) return null;
  const world = vp.canvasToWorld(xy as Types.Point2) as unknown as Vec3;
  const c = physicalToIndex(reg.volume, world);
  const ijk = c.map(Math.round) as [number, number, number];
  const [nx, ny, nz] = reg.volume.size;
  if (ijk[0] < 0 || ijk[1] < 0 || ijk[2] < 0 || ijk[0] >= nx || ijk[1] >= ny || ijk[2] >= nz) return null;
  const value = reg.volume.data[ijk[0] + nx * (ijk[1] + ny * ijk[2])];
  const lps = indexToPhysical(reg.volume, ...ijk);
  return { viewport: name, ijk, lps, value, source: reg.label };
}

/** Moves every viewport's slice to contain `world` (no pan): "jump to this point". */
export function jumpToWorld(world: Vec3): void {
  for (const name of VIEWPORT_NAMES) {
    const vp = viewport(name);
    if (!vp || !displayed[name]) continue;
    const cam = vp.getCamera();
    const n = cam.viewPlaneNormal!;
    const f = cam.focalPoint!;
    const p = cam.position!;
    const t = (world[0] - f[0]) * n[0] + (world[1] - f[1]) * n[1] + (world[2] - f[2]) * n[2];
    vp.setCamera({
      focalPoint: [f[0] + t * n[0], f[1] + t * n[1], f[2] + t * n[2]],
      position: [p[0] + t * n[0], p[1] + t * n[1], p[2] + t * n[2]],
    });
  }
  engine?.render();
}

/**
 * Centres a viewport on `world` at `pixelsPerVoxel` screen pixels per voxel (of the
 * displayed volume's finest in-plane spacing), and moves the other views' slices there.
 */
export async function focusWorld(name: ViewportName, world: Vec3, pixelsPerVoxel: number): Promise<void> {
  jumpToWorld(world);
  const vp = viewport(name);
  const reg = getDisplayedVolume(name);
  if (!vp || !reg) return;
  const cam = vp.getCamera();
  const f = cam.focalPoint!;
  const p = cam.position!;
  const shift = [world[0] - f[0], world[1] - f[1], world[2] - f[2]];
  const heightPx = vp.element.clientHeight || 1;
  const spacing = Math.min(...reg.volume.spacing.filter((s, axis) => reg.volume.size[axis] > 1));
  vp.setCamera({
    focalPoint: [...world] as Types.Point3,
    position: [p[0] + shift[0], p[1] + shift[1], p[2] + shift[2]],
    parallelScale: ((heightPx / 2) * spacing) / pixelsPerVoxel,
  });
  await renderAndWait();
}

/** Canvas position (CSS pixels, relative to the viewport element) of a world point. */
export function worldToCanvas(name: ViewportName, world: Vec3): [number, number] | null {
  const vp = viewport(name);
  if (!vp) return null;
  return vp.worldToCanvas(world as Types.Point3) as [number, number];
}

export function onRender(listener: () => void): () => void {
  renderListeners.add(listener);
  return () => renderListeners.delete(listener);
}

export function renderNow(): void {
  engine?.render();
}

export const VIEWER_IDS = { engineId: ENGINE_ID, toolGroupId: TOOL_GROUP_ID, viewportId };
