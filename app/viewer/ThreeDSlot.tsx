/**
 * The fourth cell of the viewport grid, for the 3D view (vtk.js surface of the ROI over
 * the volume) that the ROI issue adds: replace this component's body with a lazily
 * imported 3D viewport.
 */
export function ThreeDSlot() {
  return (
    <div className="viewport placeholder-3d" data-testid="viewport-3d-slot">
      <span>3D view</span>
    </div>
  );
}
