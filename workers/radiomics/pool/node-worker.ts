/**
 * The extraction worker in Node (worker_threads), started by ./node.ts through
 * ./node-bootstrap.mjs; the browser's twin is ../extract.worker.ts.
 */
import { parentPort } from 'node:worker_threads';
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { extractWorkerApi } from './worker-api.ts';

if (!parentPort) throw new Error('node-worker.ts must run in a worker thread');
Comlink.expose(extractWorkerApi, nodeEndpoint(parentPort));
