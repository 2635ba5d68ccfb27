// Reading a document happens in a worker thread with a time limit and memory limits,
// so a hostile file (a loop in a PDF, a zip bomb, deep nesting) can stall or exhaust
// only that thread: it is stopped and replaced, and the file gets a clear message.
// One thread is kept warm between files, since starting one costs about a second.
import { Worker } from 'node:worker_threads';
import type { ExtractionLimits } from './extract/types.ts';
import type { DocumentReading } from './import/types.ts';
import type { PaperCheck } from '../meetings/papers.ts';

export interface ReadRequest {
  id: number;
  /** A document for the importer (the default), or a paper to check and index. */
  kind?: 'document' | 'paper';
  bytes: Uint8Array;
  fileName: string;
  limits: Partial<ExtractionLimits>;
}

export interface ReadResult {
  format: string;
  pages: number | null;
  text: string;
  reading: DocumentReading;
  /** Per meeting, per item: the item's minute paragraphs other than resolutions. */
  paragraphs: string[][][];
}

/** A paper: whether it is a readable PDF or Word document, and its text for search. */
export interface PaperReading {
  check: PaperCheck;
  text: string;
}

export type ReadResponse =
  | { id: number; ok: true; result: ReadResult }
  | { id: number; ok: true; paper: PaperReading }
  | { id: number; ok: false; code: string; message: string };

type Failure = { ok: false; code: string; message: string };

export type ReadOutcome = { ok: true; result: ReadResult } | { ok: false; code: string; message: string };

export interface ThreadLimits {
  /** Time allowed for one file, after which the thread is stopped. */
  timeoutMs: number;
  /** Heap allowed to the thread. */
  memoryMb: number;
  /** Limits handed to the extractor itself. */
  extraction: Partial<ExtractionLimits>;
}

export const defaultThreadLimits: ThreadLimits = { timeoutMs: 30_000, memoryMb: 512, extraction: {} };

const workerUrl = new URL('./reading.worker.ts', import.meta.url).href;
// The worker is TypeScript: register tsx's loader in the thread first when it is there.
const boot = `
const { parentPort } = require('node:worker_threads');
import('tsx/esm/api').then((api) => api.register(), () => {})
  .then(() => import(${JSON.stringify(workerUrl)}))
  .then(() => parentPort.postMessage({ ready: true }));
`;

export class ReadingThread {
  private worker: Worker | null = null;
  private ready: Promise<void> | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private nextId = 1;
  private idleTimer: NodeJS.Timeout | null = null;
  private readonly limits: ThreadLimits;

  private readonly idleMs: number;
  constructor(limits: Partial<ThreadLimits> = {}, idleMs = 60_000) {
    this.idleMs = idleMs;
    this.limits = { ...defaultThreadLimits, ...limits };
  }

  /** Reads one file; files are read one after another. Never throws. */
  async read(bytes: Uint8Array, fileName: string): Promise<ReadOutcome> {
    const m = await this.next('document', bytes, fileName);
    if (!m.ok) return m;
    return 'result' in m ? { ok: true, result: m.result } : { ok: false, code: 'corrupt', message: `${fileName}: the reader gave no reading` };
  }

  /** Checks a paper and extracts its text, off the main thread. Never throws. */
  async readPaper(bytes: Uint8Array, fileName: string): Promise<{ ok: true; paper: PaperReading } | Failure> {
    const m = await this.next('paper', bytes, fileName);
    if (!m.ok) return m;
    return 'paper' in m ? { ok: true, paper: m.paper } : { ok: false, code: 'corrupt', message: `${fileName}: the reader gave no answer` };
  }

  private next(kind: 'document' | 'paper', bytes: Uint8Array, fileName: string): Promise<ReadResponse | Failure> {
    const run = this.queue.then(() => this.readNow(kind, bytes, fileName));
    this.queue = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    const w = this.worker;
    this.worker = null;
    this.ready = null;
    if (w) await w.terminate();
  }

  private start(): Promise<void> {
    if (this.ready && this.worker) return this.ready;
    const worker = new Worker(boot, {
      eval: true,
      resourceLimits: { maxOldGenerationSizeMb: this.limits.memoryMb, maxYoungGenerationSizeMb: 64, stackSizeMb: 8 },
      // Whatever a parsing library prints goes to standard error: standard output may be a report.
      stdout: true,
      stderr: true,
    });
    worker.stdout.pipe(process.stderr, { end: false });
    worker.stderr.pipe(process.stderr, { end: false });
    worker.unref();
    this.worker = worker;
    this.ready = new Promise<void>((resolve, reject) => {
      const done = () => {
        worker.off('error', onError);
        worker.off('exit', onExit);
        worker.off('message', onMessage);
      };
      const onMessage = (m: { ready?: boolean }) => {
        if (!m?.ready) return;
        done();
        resolve();
      };
      const onError = (e: Error) => {
        done();
        reject(e);
      };
      // Stopped while starting (the runner is closing).
      const onExit = () => {
        done();
        reject(new Error('the reader was stopped'));
      };
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
    });
    // A failure before any file is read still says what happened.
    this.ready.catch(() => {
      if (this.worker === worker) {
        this.worker = null;
        this.ready = null;
      }
    });
    return this.ready;
  }

  private async readNow(kind: 'document' | 'paper', bytes: Uint8Array, fileName: string): Promise<ReadResponse | Failure> {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    try {
      await this.start();
    } catch (error) {
      return { ok: false, code: 'reader-unavailable', message: `${fileName}: the reader could not start (${(error as Error).message})` };
    }
    const worker = this.worker!;
    const id = this.nextId++;
    const limit = this.limits.timeoutMs >= 2000 ? `${Math.round(this.limits.timeoutMs / 1000)} seconds` : `${this.limits.timeoutMs} ms`;
    const outcome = await new Promise<ReadResponse | Failure>((resolve) => {
      let settled = false;
      const finish = (o: ReadResponse | Failure, stop: boolean) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
        if (stop) void this.replace(worker);
        resolve(o);
      };
      const onMessage = (m: ReadResponse) => {
        if (m.id !== id) return;
        finish(m, false);
      };
      const onError = (e: Error & { code?: string }) => {
        const memory = e.code === 'ERR_WORKER_OUT_OF_MEMORY' || /memory/i.test(e.message);
        finish(memory
          ? { ok: false, code: 'too-large', message: `${fileName}: reading it needed more than ${this.limits.memoryMb} MB of memory; stopped` }
          : { ok: false, code: 'corrupt', message: `${fileName}: the reader stopped on this file (${e.message.slice(0, 160)})` }, true);
      };
      const onExit = () => finish({ ok: false, code: 'corrupt', message: `${fileName}: the reader stopped on this file` }, true);
      const timer = setTimeout(
        () => finish({ ok: false, code: 'timeout', message: `${fileName}: reading took longer than ${limit}; stopped` }, true),
        this.limits.timeoutMs,
      );
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
      // The extractor's own limit comes first, so its message (naming the stage) wins when it can.
      const request: ReadRequest = { id, kind, bytes, fileName, limits: { timeoutMs: Math.max(1000, this.limits.timeoutMs - 2000), ...this.limits.extraction } };
      worker.postMessage(request);
    });
    if (this.worker) {
      this.idleTimer = setTimeout(() => void this.close(), this.idleMs);
      this.idleTimer.unref();
    }
    return outcome;
  }

  private async replace(worker: Worker) {
    if (this.worker === worker) {
      this.worker = null;
      this.ready = null;
    }
    await worker.terminate().catch(() => undefined);
  }
}
