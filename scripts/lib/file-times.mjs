// A second reporter for `npm test`: one line per test file with its time on the pass,
// longest first, so the slow files can be found. The time runs from the file's process
// being started to its end (its own start-up and imports included).
export default async function* fileTimes(source) {
  const started = new Map();
  const rows = [];
  for await (const { type, data } of source) {
    // The file's own test is named by the path it was given on the command line.
    if (!data?.file || data.nesting !== 0 || !data.file.endsWith(data.name)) continue;
    if (type === 'test:dequeue' && !started.has(data.file)) started.set(data.file, Date.now());
    if (type === 'test:complete') rows.push([Date.now() - (started.get(data.file) ?? Date.now()), data.file, data.details?.passed]);
  }
  rows.sort((a, b) => b[0] - a[0]);
  for (const [ms, file, ok] of rows) yield `# file ${(ms / 1000).toFixed(1).padStart(7)} s ${ok === false ? 'FAILED ' : ''}${file}\n`;
}
