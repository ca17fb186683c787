/**
 * A small, read-only window hook for end-to-end tests and the bench: where a voxel lands
 * on the page, so a test can put the real mouse over it and read the real readout.
 * (`window.__her2`; it exposes no data and changes nothing but the slice shown.)
 */
import { indexToPhysical, type Vec3 } from '../../workers/io/volume.ts';
import { focusWorld, getDisplayedVolume, jumpToWorld, registeredVolumeCount, worldToCanvas } from './viewerService.ts';
import { viewerStore, type ViewportName } from './viewerStore.ts';
import { roiVoxelCount } from './roi.ts';

export interface Her2TestHooks {
  /**
   * Shows the slice holding voxel ijk of the displayed volume, centred and magnified to
   * 8 screen pixels per voxel (unless `focus` is false: then only the slice moves);
   * returns the voxel's page position.
   */
  voxelToClient(name: ViewportName, ijk: Vec3, focus?: boolean): Promise<{ x: number; y: number } | null>;
  /** size of the volume displayed in a viewport */
  displayedSize(name: ViewportName): Vec3 | null;
  renderCount(): number;
  roiVoxelCount(): number;
  /** volumes registered with the viewer (each holds a phase's voxels in memory) */
  registeredVolumes(): number;
}

export function installTestHooks(): void {
  const hooks: Her2TestHooks = {
    async voxelToClient(name, ijk, focus = true) {
      const reg = getDisplayedVolume(name);
      if (!reg) return null;
      const world = indexToPhysical(reg.volume, ...ijk);
      if (focus) await focusWorld(name, world, 8);
      else jumpToWorld(world);
      const xy = worldToCanvas(name, world);
      const el = document.querySelector<HTMLElement>(`[data-testid="viewport-${name}"]`);
      if (!xy || !el) return null;
      const r = el.getBoundingClientRect();
      return { x: r.left + xy[0], y: r.top + xy[1] };
    },
    displayedSize(name) {
      const reg = getDisplayedVolume(name);
      return reg ? ([...reg.volume.size] as Vec3) : null;
    },
    renderCount: () => viewerStore.get().renderCount,
    registeredVolumes: () => registeredVolumeCount(),
    roiVoxelCount: () => {
      const key = viewerStore.get().seriesKey;
      return key ? roiVoxelCount(key) : 0;
    },
  };
  (window as unknown as { __her2: Her2TestHooks }).__her2 = hooks;
}
