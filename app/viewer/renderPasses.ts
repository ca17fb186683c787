/**
 * The label map overlay drawn with plain alpha blending instead of vtk.js's
 * order-independent translucency (OIT).
 *
 * Cornerstone draws a volume viewport's label map slice as a translucent image actor in an
 * overlay renderer (layer 1 of the shared offscreen window). vtk.js's forward pass draws
 * every translucent actor through its OIT pass, which, for each viewport drawn, clears two
 * half-float targets and a depth buffer the size of the whole offscreen window (the three
 * viewports side by side), draws the actor into them, and blends them back over the whole
 * window. For one flat slice there is nothing to order: OIT gives the same colours as
 * blending the slice straight onto the viewport (weighted colour / weight = colour,
 * revealage 1 - alpha; measured: the screenshots differ by at most 1 of 255, the OIT
 * targets being half floats). Under SwiftShader the OIT pass cost more than the volume
 * itself: one viewport's overlay 21 ms -> 4.5 ms, a frame of the three views 115 -> 68 ms.
 *
 * vtk.js falls back to exactly this plain pass itself when the context cannot render to
 * half floats (OrderIndependentTranslucentPass.traverse); here the window's forward pass
 * is given that fallback as its translucent pass.
 */
import macro from '@kitware/vtk.js/macros';
import vtkForwardPass from '@kitware/vtk.js/Rendering/OpenGL/ForwardPass';
import { extend as extendRenderPass } from '@kitware/vtk.js/Rendering/SceneGraph/RenderPass';

interface PlainTranslucentPassApi {
  setCurrentOperation(operation: string): void;
  /** the mappers ask the pass for shader changes (OIT's weights); none here */
  getShaderReplacement(): null;
  traverse(viewNode: unknown, rendererNode: { traverse(pass: unknown): void }): void;
}

const newPlainTranslucentPass = macro.newInstance((publicAPI: object, model: object) => {
  extendRenderPass(publicAPI, model);
  const api = publicAPI as PlainTranslucentPassApi;
  api.getShaderReplacement = () => null;
  api.traverse = (_viewNode, rendererNode) => {
    api.setCurrentOperation('translucentPass');
    rendererNode.traverse(api);
  };
}, 'her2PlainTranslucentPass');

/** Makes `openGLRenderWindow` draw translucent actors by plain alpha blending. */
export function blendOverlaysPlainly(openGLRenderWindow: { setRenderPasses(passes: unknown[]): boolean }): void {
  openGLRenderWindow.setRenderPasses([vtkForwardPass.newInstance({ translucentPass: newPlainTranslucentPass() })]);
}
