/**
 * The 3D view (vtk.js, its own render window in the fourth cell): the lesions' surfaces,
 * built by the engine's own marching cubes (workers/radiomics/mesh/surface-mesh.ts, the
 * mesh the shape features measure) in the ROI worker, over a volume rendering of the
 * phase on screen. Loaded lazily (vtk.js is heavy); the surfaces follow the edits after a
 * short pause, so painting never waits for them.
 *
 * The surfaces are built on the ROI's own grid (the series' grid), whatever the viewports
 * show. A MIP is one voxel thick, so on the MIP view the volume rendering keeps the
 * series' last full volume (or none, after switching series).
 */
import '@kitware/vtk.js/Rendering/Profiles/Geometry';
import '@kitware/vtk.js/Rendering/Profiles/Volume';
import vtkDataArray from '@kitware/vtk.js/Common/Core/DataArray';
import vtkImageData from '@kitware/vtk.js/Common/DataModel/ImageData';
import vtkPolyData from '@kitware/vtk.js/Common/DataModel/PolyData';
import vtkActor from '@kitware/vtk.js/Rendering/Core/Actor';
import vtkColorTransferFunction from '@kitware/vtk.js/Rendering/Core/ColorTransferFunction';
import vtkMapper from '@kitware/vtk.js/Rendering/Core/Mapper';
import vtkVolume from '@kitware/vtk.js/Rendering/Core/Volume';
import vtkVolumeMapper from '@kitware/vtk.js/Rendering/Core/VolumeMapper';
import vtkPiecewiseFunction from '@kitware/vtk.js/Common/DataModel/PiecewiseFunction';
import vtkGenericRenderWindow from '@kitware/vtk.js/Rendering/Misc/GenericRenderWindow';
import type { mat3 } from 'gl-matrix';
import { useEffect, useRef, useState } from 'react';
import type { Volume } from '../../workers/io/volume.ts';
import { geometryOf } from '../../workers/io/volume.ts';
import { lesionStore } from '../lesion/lesionStore.ts';
import { give, roiWorker } from '../lesion/roiWorker.ts';
import { toCornerstoneDirection } from './cornerstoneVolume.ts';
import { getRoiMask } from './roi.ts';
import { isDrawing } from './roiEditing.ts';
import { getDisplayedVolume, robustRange } from './viewerService.ts';
import { viewerStore } from './viewerStore.ts';

type Gw = ReturnType<typeof vtkGenericRenderWindow.newInstance>;

/** Every `step`-th voxel in-plane (keeps the 3D texture small); geometry adjusted. */
function subsample(v: Volume, step: number): Volume<Float32Array> {
  const [nx, ny, nz] = v.size;
  const mx = Math.ceil(nx / step);
  const my = Math.ceil(ny / step);
  const out = new Float32Array(mx * my * nz);
  let o = 0;
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j += step) {
      const row = nx * (j + ny * k);
      for (let i = 0; i < nx; i += step) out[o++] = v.data[row + i];
    }
  return { size: [mx, my, nz], spacing: [v.spacing[0] * step, v.spacing[1] * step, v.spacing[2]], origin: v.origin, direction: v.direction, data: out };
}

function volumeActor(v: Volume): { actor: ReturnType<typeof vtkVolume.newInstance>; key: string } {
  const step = Math.max(v.size[0], v.size[1]) > 256 ? 2 : 1;
  const s = subsample(v, step);
  const image = vtkImageData.newInstance();
  image.setDimensions([...s.size]);
  image.setSpacing([...s.spacing]);
  image.setOrigin([...s.origin]);
  image.setDirection(toCornerstoneDirection(s.direction) as unknown as mat3);
  image.getPointData().setScalars(vtkDataArray.newInstance({ name: 'scalars', numberOfComponents: 1, values: s.data }));
  // Transparent up to the 70th percentile (background, fat), faint above: the surfaces stay visible inside.
  const r = robustRange(s.data, 0.7, 0.998);
  const mapper = vtkVolumeMapper.newInstance();
  mapper.setInputData(image);
  mapper.setSampleDistance(Math.min(...s.spacing) * 0.8);
  const actor = vtkVolume.newInstance();
  actor.setMapper(mapper);
  const ctf = vtkColorTransferFunction.newInstance();
  ctf.addRGBPoint(r.lower, 0, 0, 0);
  ctf.addRGBPoint(r.upper, 1, 1, 1);
  const otf = vtkPiecewiseFunction.newInstance();
  otf.addPoint(r.lower, 0);
  otf.addPoint(r.upper, 0.05);
  actor.getProperty().setRGBTransferFunction(0, ctf);
  actor.getProperty().setScalarOpacity(0, otf);
  actor.getProperty().setInterpolationTypeToLinear();
  return { actor, key: `${v.size.join('x')}:${v.origin.join(',')}` };
}

function surfaceActor(positions: Float32Array, triangles: Uint32Array, color: [number, number, number]) {
  const poly = vtkPolyData.newInstance();
  poly.getPoints().setData(positions, 3);
  const cells = new Uint32Array((triangles.length / 3) * 4);
  for (let t = 0, c = 0; t < triangles.length; t += 3) {
    cells[c++] = 3;
    cells[c++] = triangles[t];
    cells[c++] = triangles[t + 1];
    cells[c++] = triangles[t + 2];
  }
  poly.getPolys().setData(cells);
  const mapper = vtkMapper.newInstance();
  mapper.setInputData(poly);
  const actor = vtkActor.newInstance();
  actor.setMapper(mapper);
  actor.getProperty().setColor(color[0] / 255, color[1] / 255, color[2] / 255);
  return actor;
}

export default function ThreeDView() {
  const container = useRef<HTMLDivElement>(null);
  const gw = useRef<Gw | null>(null);
  const [info, setInfo] = useState({ triangles: 0, lesions: 0, volume: false });

  useEffect(() => {
    const el = container.current;
    if (!el) return;
    const g = vtkGenericRenderWindow.newInstance({ background: [0, 0, 0] });
    g.setContainer(el);
    g.resize();
    gw.current = g;
    const renderer = g.getRenderer();
    const win = g.getRenderWindow();
    let volume: { actor: ReturnType<typeof vtkVolume.newInstance>; key: string; source: unknown; seriesKey: string | null } | null = null;
    let surfaces: ReturnType<typeof vtkActor.newInstance>[] = [];
    let cameraSet = false;

    const setCamera = () => {
      if (cameraSet) return;
      // Looking from the patient's front (anterior is -y in LPS), head up (+z).
      const cam = renderer.getActiveCamera();
      renderer.resetCamera();
      const fp = cam.getFocalPoint();
      const d = cam.getDistance();
      cam.setPosition(fp[0], fp[1] - d, fp[2]);
      cam.setViewUp(0, 0, 1);
      renderer.resetCamera();
      cameraSet = true;
    };

    const updateVolume = () => {
      const { view, seriesKey } = viewerStore.get();
      if (view === 'mip') {
        if (volume && volume.seriesKey !== seriesKey) {
          renderer.removeVolume(volume.actor);
          volume = null;
          setInfo((i) => ({ ...i, volume: false }));
          win.render();
        }
        return;
      }
      const reg = getDisplayedVolume('axial');
      if (!reg || volume?.source === reg.volume) return;
      if (volume) renderer.removeVolume(volume.actor);
      const made = volumeActor(reg.volume);
      volume = { ...made, source: reg.volume, seriesKey };
      renderer.addVolume(made.actor);
      setCamera();
      setInfo((i) => ({ ...i, volume: true }));
      win.render();
    };

    let serial = 0;
    const updateSurfaces = async () => {
      const mine = ++serial;
      const { seriesKey, reader, lesions } = lesionStore.get();
      // The ROI's own grid, not the displayed volume's (a MIP's differs).
      const roi = seriesKey ? getRoiMask(seriesKey, reader) : null;
      if (!roi) {
        for (const a of surfaces) renderer.removeActor(a);
        surfaces = [];
        setInfo((i) => ({ ...i, triangles: 0, lesions: 0 }));
        win.render();
        return;
      }
      const shown = lesions.filter((l) => l.visible);
      const meshes = await roiWorker().surfaces(give(roi.data), geometryOf(roi), shown.map((l) => l.index));
      if (mine !== serial) return;
      for (const a of surfaces) renderer.removeActor(a);
      surfaces = [];
      let triangles = 0;
      for (const { value, mesh } of meshes) {
        if (mesh.triangles.length === 0) continue;
        const lesion = shown.find((l) => l.index === value)!;
        const actor = surfaceActor(mesh.positions, mesh.triangles, lesion.color);
        renderer.addActor(actor);
        surfaces.push(actor);
        triangles += mesh.triangles.length / 3;
      }
      if (surfaces.length) setCamera();
      setInfo((i) => ({ ...i, triangles, lesions: surfaces.length }));
      win.render();
    };

    let surfaceTimer: ReturnType<typeof setTimeout> | null = null;
    const scheduleSurfaces = (delay: number) => {
      if (surfaceTimer) clearTimeout(surfaceTimer);
      surfaceTimer = setTimeout(() => {
        if (isDrawing()) scheduleSurfaces(300); // after the stroke
        else void updateSurfaces().catch(() => undefined);
      }, delay);
    };
    let lastRevision = -1;
    let lastLesions: unknown = null;
    const unsubLesion = lesionStore.subscribe(() => {
      const { revision, lesions } = lesionStore.get();
      if (revision !== lastRevision || lesions !== lastLesions) {
        lastRevision = revision;
        lastLesions = lesions;
        scheduleSurfaces(600);
      }
    });
    let lastRender = -1;
    const unsubViewer = viewerStore.subscribe(() => {
      const { renderCount } = viewerStore.get();
      if (renderCount === lastRender) return;
      lastRender = renderCount;
      updateVolume();
    });
    updateVolume();
    scheduleSurfaces(0);
    const resize = new ResizeObserver(() => {
      g.resize();
      win.render();
    });
    resize.observe(el);
    return () => {
      resize.disconnect();
      unsubLesion();
      unsubViewer();
      if (surfaceTimer) clearTimeout(surfaceTimer);
      g.delete();
      gw.current = null;
    };
  }, []);

  return (
    <div className="viewport view3d" data-testid="viewport-3d" data-triangles={info.triangles} data-lesions={info.lesions} data-volume={info.volume}>
      <div ref={container} style={{ position: 'absolute', inset: 0 }} />
      <span className="view3d-label">3D · {info.lesions ? `${info.lesions} lesion surface(s), ${info.triangles} triangles` : 'no ROI surface yet'}</span>
    </div>
  );
}
