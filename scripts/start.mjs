#!/usr/bin/env node
// `npm start`: builds the app (vite build) and serves dist/ on a fixed port with Vite's
// preview server (correct MIME types for .wasm and workers; nothing but our own files).
// Prints the URL; the app opens on the synthetic demo study the first time.
import { spawn, spawnSync } from 'node:child_process';

const PORT = Number(process.env.PORT ?? 5173);
const HOST = process.env.HOST ?? '127.0.0.1';

const build = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], { stdio: 'inherit' });
if (build.status !== 0) {
  console.error('npm start: the build failed (see above)');
  process.exit(build.status ?? 1);
}

const server = spawn('npx', ['vite', 'preview', '--port', String(PORT), '--strictPort', '--host', HOST], {
  stdio: ['inherit', 'pipe', 'inherit'],
});
let announced = false;
server.stdout.on('data', (chunk) => {
  const text = chunk.toString();
  if (!announced && /Local|http:\/\//.test(text)) {
    announced = true;
    console.log(`\nHER2 workstation: http://${HOST}:${PORT}/  (Ctrl+C to stop)\n`);
  }
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
server.on('exit', (code) => {
  if (code) console.error(`npm start: the server stopped (exit ${code}); is port ${PORT} in use?`);
  process.exit(code ?? 0);
});
