// vtk.js ships no type declarations for its OpenGL forward pass (app/viewer/renderPasses.ts).
declare module '@kitware/vtk.js/Rendering/OpenGL/ForwardPass' {
  const vtkForwardPass: { newInstance(initialValues?: Record<string, unknown>): unknown };
  export default vtkForwardPass;
}
