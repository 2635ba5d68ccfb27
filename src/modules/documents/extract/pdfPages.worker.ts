// The helper thread (see pdfHelper.ts): opens the same PDF and reads pages while the
// reading thread does, each taking the next unread page from a shared counter.
import { parentPort } from 'node:worker_threads';
import { loadPdfJs, openPdf, pageRuns, NEXT_PAGE, STATE, IDLE, WORKING, type PageJob, type PageMessage } from './pdfPages.ts';

parentPort?.on('message', async (job: PageJob) => {
  // The reading thread may have read every page before this thread came to the job.
  if (Atomics.compareExchange(job.control, STATE, IDLE, WORKING) !== IDLE) return;
  try {
    const doc = await openPdf(job.bytes);
    try {
      for (let n = Atomics.add(job.control, NEXT_PAGE, 1) + 1; n <= job.pages; n = Atomics.add(job.control, NEXT_PAGE, 1) + 1) {
        try {
          parentPort?.postMessage({ id: job.id, page: n, runs: await pageRuns(doc, n) } satisfies PageMessage);
        } catch {
          // The reading thread reads a failed page again itself, and reports what fails there.
          parentPort?.postMessage({ id: job.id, page: n, runs: null } satisfies PageMessage);
        }
      }
    } finally {
      await doc.loadingTask.destroy().catch(() => undefined);
    }
  } catch {
    // Not opened: every page this thread claimed is missing, and read by the reading thread.
  }
  parentPort?.postMessage({ id: job.id, done: true } satisfies PageMessage);
});
// Ready once pdf.js is loaded, so that its first share of a document is not spent on that.
await loadPdfJs().catch(() => undefined);
parentPort?.postMessage({ ready: true } satisfies PageMessage);
