// A long PDF is read on two threads: pdf.js's text layer work is most of an import's time,
// and pdf.js in Node runs its own "worker" on the calling thread. A helper thread opens
// the same bytes and both take the next unread page from a counter in shared memory, so
// neither waits for the other: a helper still starting (loading pdf.js) simply takes no
// pages. It is kept warm between documents and stopped after a minute unused.
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { CLOSED, IDLE, NEXT_PAGE, STATE, type PageJob, type PageMessage, type TextRun } from './pdfPages.ts';

// Shorter documents are read faster than the helper's share is handed over.
export const HELPER_MIN_PAGES = 4;
const IDLE_MS = 60_000;

let worker: Worker | null = null;
// A helper that failed before it was ready (it cannot load here) is not tried again.
let unavailable = false;
// Helpers stopped on purpose, which says nothing about whether one can start.
const stopping = new WeakSet<Worker>();
let idleTimer: NodeJS.Timeout | null = null;
let nextId = 1;
/** Pages the helper thread has read since the process started (tests look at it). */
export let helperPagesRead = 0;
/** Open jobs by id: the pages the helper has read, and what to call when it is finished. */
const jobs = new Map<number, { worker: Worker; runs: Map<number, TextRun[] | null>; finish: () => void }>();

function helper(): Worker | null {
  if (worker) return worker;
  if (unavailable || availableParallelism() < 2 || process.env.PH_PDF_HELPER === '0') return null;
  const w = new Worker(new URL('./pdfPages.worker.ts', import.meta.url), {
    resourceLimits: { maxOldGenerationSizeMb: 512, maxYoungGenerationSizeMb: 64, stackSizeMb: 8 },
  });
  // Not piping its output here (pdf.js prints nothing at verbosity 0): a pipe kept the
  // process alive after its last document.
  w.unref();
  let ready = false;
  w.on('message', (m: PageMessage) => {
    if ('ready' in m) {
      ready = true;
      return;
    }
    const job = jobs.get(m.id);
    if (!job) return;
    if ('done' in m) job.finish();
    else {
      job.runs.set(m.page, m.runs);
      if (m.runs) helperPagesRead++;
    }
  });
  // Out of memory, or stopped: the jobs it held end, and their missing pages are read by the caller.
  const gone = () => {
    if (worker === w) worker = null;
    if (!ready && !stopping.has(w)) unavailable = true;
    for (const job of jobs.values()) if (job.worker === w) job.finish();
  };
  w.on('error', gone);
  w.on('exit', gone);
  worker = w;
  return w;
}

export interface HelperJob {
  /** Takes the next unread page (1-based), or null when every page is taken. */
  claim(): number | null;
  /**
   * Closes the job once the caller has no more pages to take, and waits for the helper's
   * pages. Pages it did not read (failed, or it stopped) are absent.
   */
  finish(): Promise<Map<number, TextRun[] | null>>;
}

/**
 * Shares out a document's pages: with the helper thread too when there are two cores and
 * the document is long enough, else all to the caller. The helper is stopped if it is
 * still at the job after deadlineMs.
 */
export function shareDocument(bytes: Uint8Array, pages: number, deadlineMs: number): HelperJob {
  const control = new Int32Array(new SharedArrayBuffer(8));
  const claimOnly = (): number | null => {
    const n = Atomics.add(control, NEXT_PAGE, 1) + 1;
    return n <= pages ? n : null;
  };
  const w = pages >= HELPER_MIN_PAGES ? helper() : null;
  if (!w) return { claim: claimOnly, finish: async () => new Map() };
  if (idleTimer) clearTimeout(idleTimer);
  const id = nextId++;
  const runs = new Map<number, TextRun[] | null>();
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => { finish = resolve; });
  jobs.set(id, { worker: w, runs, finish });
  // Waiting on the helper's answer keeps the process alive; an idle helper does not.
  w.ref();
  const deadline = setTimeout(() => void stop(w), deadlineMs);
  const copy = new Uint8Array(bytes);
  w.postMessage({ id, bytes: copy, pages, control } satisfies PageJob, [copy.buffer]);
  return {
    claim: claimOnly,
    async finish() {
      // The caller may stop early (a page failed): the helper takes no further page.
      Atomics.store(control, NEXT_PAGE, pages);
      // A helper that never came to the job will take nothing from it.
      if (Atomics.compareExchange(control, STATE, IDLE, CLOSED) !== IDLE) await finished;
      clearTimeout(deadline);
      jobs.delete(id);
      if (!jobs.size) {
        w.unref();
        idleTimer = setTimeout(() => void stopHelper(), IDLE_MS);
        idleTimer.unref();
      }
      return runs;
    },
  };
}

/** Stops the helper thread (tests, shutdown); the next long document starts another. */
export async function stopHelper(): Promise<void> {
  const w = worker;
  worker = null;
  if (w) await stop(w);
}

function stop(w: Worker): Promise<number> {
  stopping.add(w);
  return w.terminate();
}
