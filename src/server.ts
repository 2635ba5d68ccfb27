// The entry point (`npm start`). The npm script starts Node with the memory settings for a
// small VM (src/memory.ts) and with V8's on-disk cache of compiled modules, NODE_COMPILE_CACHE,
// in place from the first file, so a restart compiles nothing: neither the TypeScript (the
// types Node strips) nor the JavaScript. Started another way (`node src/server.ts`), Node is
// started once more with the memory settings, and the cache is turned on here.
// The cache is node_modules/.cache/node-compile-cache unless NODE_COMPILE_CACHE names
// another folder (docs/operations.md); not the system's temporary folder, which systemd's
// PrivateTmp empties at every restart.
import * as nodeModule from 'node:module';
import { fileURLToPath } from 'node:url';
import { relaunchWithMemorySettings } from './memory.ts';

// In the environment, it goes with a Node started again and with the first start's child process (src/db/firstStart.ts).
process.env.NODE_COMPILE_CACHE ||= fileURLToPath(new URL('../node_modules/.cache/node-compile-cache', import.meta.url));
relaunchWithMemorySettings();
// Node 22.1 and later (the app runs on 24); @types/node here describes Node 20. Already on when Node started with NODE_COMPILE_CACHE.
(nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.();
await import('./startServer.ts');
