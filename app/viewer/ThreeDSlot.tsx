/**
 * The fourth cell of the viewport grid: the 3D view (vtk.js surfaces of the lesions over a
 * volume rendering), loaded lazily because vtk.js is heavy.
 */
import { lazy, Suspense } from 'react';
import { ErrorBoundary } from '../components/ErrorBoundary.tsx';

const ThreeDView = lazy(() => import('./ThreeDView.tsx'));

export function ThreeDSlot() {
  return (
    <ErrorBoundary name="The 3D view">
      <Suspense
        fallback={
          <div className="viewport placeholder-3d" data-testid="viewport-3d-slot">
            <span>3D view</span>
          </div>
        }
      >
        <ThreeDView />
      </Suspense>
    </ErrorBoundary>
  );
}
