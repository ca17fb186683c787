// comlink ships the Node adapter's types as node-adapter.d.ts beside node-adapter.mjs; Node
// needs the .mjs path at run time, TypeScript finds no .d.mts for it: point it at the .d.ts.
declare module 'comlink/dist/esm/node-adapter.mjs' {
  export { default } from 'comlink/dist/esm/node-adapter';
}
