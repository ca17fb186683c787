import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// See ../shared/notes/stack.md for why each of these settings is here.
export default defineConfig({
  plugins: [react()],
  server: { port: 5173, strictPort: true },
  preview: { port: 4173, strictPort: true },
  worker: { format: 'es' },
  build: {
    target: 'esnext',
    outDir: 'dist',
    chunkSizeWarningLimit: 6000,
    rolldownOptions: {
      // Build-time profiling hints, not problems: keep `npm start` quiet.
      checks: { bundlerTimings: false },
      onLog(level, log, handler) {
        // The DICOM codecs (emscripten) and an XML helper of vtk.js carry Node branches that
        // import fs/path/url; in the browser those branches never run.
        if (/has been externalized for browser compatibility, imported by .*(@cornerstonejs[\\/]codec-|@oozcitak[\\/]url)/.test(log.message)) return;
        handler(level, log);
      },
    },
  },
  optimizeDeps: {
    exclude: ['@cornerstonejs/dicom-image-loader'],
    include: [
      'dicom-parser',
      '@cornerstonejs/core',
      '@cornerstonejs/metadata',
      '@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs',
      '@cornerstonejs/codec-charls/decodewasmjs',
      '@cornerstonejs/codec-openjpeg/decodewasmjs',
      '@cornerstonejs/codec-openjph/wasmjs',
      '@cornerstonejs/codec-libjxl/decodewasmjs',
    ],
  },
});
