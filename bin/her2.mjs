#!/usr/bin/env node
// Entry point of the `her2` command line. The commands are TypeScript modules shared with
// the app's workers; tsx compiles them on the fly, so no build step is needed.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./her2.ts');
process.exitCode = await main(process.argv.slice(2));
