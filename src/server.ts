// The entry point (`npm start`). First the memory settings for a small VM (src/memory.ts),
// which need Node started again with them; then V8's on-disk cache of compiled modules is
// turned on before anything else loads, so a restart reuses what the last start compiled
// (about a quarter of the CPU time of loading the app's modules; see bench/start.bench.ts).
// The cache lives in NODE_COMPILE_CACHE if set, else in the system's temporary folder.
import * as nodeModule from 'node:module';
import { relaunchWithMemorySettings } from './memory.ts';

relaunchWithMemorySettings();
// Node 22.1 and later (the app runs on 24); @types/node here describes Node 20.
(nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.();
await import('./startServer.ts');
