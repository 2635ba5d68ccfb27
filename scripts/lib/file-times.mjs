// A second reporter for `npm test`: one line per test file with its time on the pass,
// longest first, so the slow files can be found. The time runs from the file's process
// being started to its end (its own start-up and imports included); in a worker that runs
// several files (scripts/lib/shard.mjs), from its suite's start to its end (its imports,
// made when the worker starts, not included).
export default async function* fileTimes(source) {
  const started = new Map();
  const rows = [];
  for await (const { type, data } of source) {
    // The file's own test is named by the path it was given on the command line: a
    // process's test (data.file ends with it), or a worker's suite (scripts/lib/shard.mjs).
    if (!data?.file || data.nesting !== 0 || typeof data.name !== 'string') continue;
    const file = data.file.endsWith(data.name) ? data.file : data.name.endsWith('.test.ts') ? data.name : null;
    if (!file) continue;
    if (type === 'test:dequeue' && !started.has(file)) started.set(file, Date.now());
    if (type === 'test:complete') rows.push([Date.now() - (started.get(file) ?? Date.now()), file, data.details?.passed]);
  }
  rows.sort((a, b) => b[0] - a[0]);
  for (const [ms, file, ok] of rows) yield `# file ${(ms / 1000).toFixed(1).padStart(7)} s ${ok === false ? 'FAILED ' : ''}${file}\n`;
}
