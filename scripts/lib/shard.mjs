// One worker of `npm test`: runs the test files named on its command line one after
// another in this one process, each as a suite named by its path. Loading the app's
// modules, compiling them and warming them up is then paid once per worker, not once per
// file (it was 2-4 s of each file's CPU).
//
// A file is loaded with require() inside its suite's body: that runs its top level at
// once, so the test(), before() and after() it calls there belong to its suite (node:test
// finds the suite a call is made in by the running code), as they belonged to the file
// when each file had a process of its own. A test file must therefore not use a top-level
// await (require() refuses it with ERR_REQUIRE_ASYNC_MODULE): open things in before().
//
// What a worker shares between its files and must close when they are all done (the
// browser journeys' one Chromium, test/browser/support.ts) is registered here.
import { describe, after } from 'node:test';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';

const atEnd = [];
globalThis[Symbol.for('partnership-hub.worker-end')] = atEnd;
after(async () => { for (const close of atEnd) await close(); });

const require = createRequire(import.meta.url);
const files = process.argv.slice(2);
const started = performance.now();
for (const file of files) describe(file, () => { require(resolve(file)); });
console.error(`# worker ${process.pid}: ${files.length} test files loaded in ${((performance.now() - started) / 1000).toFixed(1)} s`);
