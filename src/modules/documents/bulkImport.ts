// The command line's bulk import: a folder (read recursively) or a .zip of an archive
// becomes one import job in the database, read here with a progress bar on standard
// error; the run ends with what failed and why. A run that is stopped (Ctrl-C, a crash)
// is carried on with --resume JOBID: files already read are not read again.
// Drafts are checked and accepted in the app, at /imports/jobs/JOBID.
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { loadConfig, ConfigError } from '../../config.ts';
import { openDatabase, type Database } from '../../db/database.ts';
import { migrate } from '../../db/migrate.ts';
import { loadDemoIfEmpty } from '../../demo/seed.ts';
import { ArchiveError, archiveFiles } from './archive.ts';
import { findJob, listJobFiles } from './documents.store.ts';
import { DOCUMENT_SIZE_LIMIT } from './imports.commands.ts';
import { auditForJob, JobRunner, queueImportJob, type NewFile } from './jobs.ts';

export interface BulkOptions {
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  env?: NodeJS.ProcessEnv;
  /** An open database (tests); otherwise the one the configuration names. */
  database?: Database;
  /** Stops the run as Ctrl-C does (tests). */
  signal?: AbortSignal;
  /** Listens for Ctrl-C (the command line, not tests). */
  handleSignals?: boolean;
}

const usage = 'usage: npm run import -- [--partnership SLUG] FOLDER|ARCHIVE.zip|FILE...\n       npm run import -- --resume JOBID\n';
const who = { userId: null, label: 'Command line' };

export async function bulkImport(args: string[], opts: BulkOptions = {}): Promise<number> {
  const out = opts.stdout ?? process.stdout;
  const err = opts.stderr ?? process.stderr;
  const option = (name: string) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const resume = option('--resume');
  const slug = option('--partnership');
  const paths = args.filter((a, i) => !a.startsWith('--') && !['--resume', '--partnership'].includes(args[i - 1] ?? ''));
  if (args.includes('--resume') && !resume) return fail(err, usage);
  if (!resume && !paths.length) return fail(err, usage);

  let database = opts.database;
  const ownDatabase = !database;
  try {
    if (!database) {
      const config = loadConfig(opts.env ?? process.env);
      database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
      await migrate(database);
      if (config.loadDemo) await loadDemoIfEmpty(database.db);
    }
    const { db } = database;
    let jobId: string;
    let partnershipId: string;
    if (resume) {
      const job = await db.selectFrom('jobs').select(['id', 'partnership_id']).where('id', '=', /^[0-9a-f-]{36}$/i.test(resume) ? resume : '00000000-0000-0000-0000-000000000000').executeTakeFirst();
      if (!job) return fail(err, `error: there is no import job ${resume}\n`);
      jobId = job.id;
      partnershipId = job.partnership_id;
    } else {
      const defaultSlug = slug ?? (opts.env ?? process.env).DEFAULT_PARTNERSHIP;
      let q = db.selectFrom('partnerships').select(['id', 'slug']).orderBy('created_at');
      if (defaultSlug) q = q.where('slug', '=', defaultSlug);
      const partnership = await q.executeTakeFirst();
      if (!partnership) return fail(err, slug ? `error: there is no partnership ${slug}\n` : 'error: the database holds no partnership yet; start the app once (npm start)\n');
      partnershipId = partnership.id;
      const refused: { name: string; message: string }[] = [];
      for (const p of paths) {
        if (!(await stat(p).catch(() => null))) return fail(err, `error: ${p}: no such file or folder\n`);
      }
      const title = paths.length === 1 ? basename(resolve(paths[0]!)) : `${paths.length} folders and files`;
      err.write(`Queuing the documents of ${title} ...\n`);
      const job = await db.transaction().execute(async (trx) => {
        const queued = await queueImportJob(trx, partnershipId, who, title, documentsIn(paths, refused), refused);
        await auditForJob(trx, partnershipId, who, { action: 'create', recordType: 'import-job', recordId: queued.id, summary: `Import of ${title} from the command line: ${queued.total} files` });
        return queued;
      });
      jobId = job.id;
      err.write(`Import job ${jobId}: ${job.total} files (resume a stopped run with: npm run import -- --resume ${jobId})\n`);
    }
    return await runJob(database, partnershipId, jobId, Boolean(resume), out, err, opts);
  } catch (error) {
    if (error instanceof ConfigError) return fail(err, `${error.message}\n`);
    throw error;
  } finally {
    if (ownDatabase && database) await database.close();
  }
}

function fail(err: NodeJS.WritableStream, message: string): number {
  err.write(message);
  return 2;
}

/** The documents under the paths given, read one at a time; what cannot be taken is refused with a reason. */
async function* documentsIn(paths: string[], refused: { name: string; message: string }[]): AsyncGenerator<NewFile> {
  for (const p of paths) {
    const root = dirname(resolve(p));
    for await (const file of walk(resolve(p))) {
      const name = relative(root, file).split('\\').join('/');
      const size = (await stat(file)).size;
      if (/\.zip$/i.test(file)) {
        // Read from disk an entry at a time; a zip refused as a whole is refused before its first entry.
        try {
          for await (const item of archiveFiles({ path: file }, name)) {
            if (item.kind === 'file') yield { name: `${name}/${item.name}`, bytes: item.bytes };
            else refused.push({ name: `${name}/${item.name}`, message: `${name}/${item.message}` });
          }
        } catch (error) {
          if (!(error instanceof ArchiveError)) throw error;
          refused.push({ name, message: error.message });
        }
        continue;
      }
      if (size > DOCUMENT_SIZE_LIMIT) {
        refused.push({ name, message: `${name}: the file is larger than ${DOCUMENT_SIZE_LIMIT / 1048576} MB` });
        continue;
      }
      yield { name, bytes: new Uint8Array(await readFile(file)) };
    }
  }
}

/** Files under a folder, in name order, leaving out hidden files and folders. */
async function* walk(path: string): AsyncGenerator<string> {
  const s = await stat(path);
  if (!s.isDirectory()) {
    yield path;
    return;
  }
  const entries = (await readdir(path, { withFileTypes: true })).filter((e) => !e.name.startsWith('.')).sort((a, b) => a.name.localeCompare(b.name));
  for (const e of entries) {
    if (e.isDirectory()) yield* walk(join(path, e.name));
    else if (e.isFile()) yield join(path, e.name);
  }
}

async function runJob(database: Database, partnershipId: string, jobId: string, resuming: boolean, out: NodeJS.WritableStream, err: BulkOptions['stderr'] & {}, opts: BulkOptions): Promise<number> {
  const { db } = database;
  const start = (await findJob(db, partnershipId, jobId))!;
  let finished = start.read_count + start.failed_count + start.duplicate_count;
  const total = start.total;
  const tty = Boolean(err.isTTY);
  const width = Math.max(10, Math.min(40, (err.columns ?? 80) - 50));
  const draw = (last: string) => {
    const filled = total ? Math.round((finished / total) * width) : width;
    const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${finished}/${total}`;
    if (tty) err.write(`\r\x1b[K${bar} ${last.length > 30 ? `…${last.slice(-29)}` : last}`);
    else err.write(`${bar} ${last}\n`);
  };
  if (resuming) err.write(`Resuming import job ${jobId}: ${finished} of ${total} files already done\n`);
  const runner = new JobRunner(db, {
    jobId,
    // A resumed run takes over the file a stopped run was reading, at once.
    leaseMs: resuming ? 0 : undefined,
    onFile: (file, status) => {
      finished++;
      draw(`${status === 'read' ? 'read' : status === 'failed' ? 'FAILED' : 'imported before'}: ${file.file_name}`);
    },
  });
  let interrupted = false;
  const stop = () => {
    if (interrupted) return;
    interrupted = true;
    void runner.stop();
  };
  opts.signal?.addEventListener('abort', stop);
  if (opts.handleSignals) process.once('SIGINT', stop);
  if (total) draw('');
  await runner.drain();
  await runner.stop();
  if (opts.handleSignals) process.off('SIGINT', stop);
  if (tty) err.write('\n');

  const job = (await findJob(db, partnershipId, jobId))!;
  const files = await listJobFiles(db, partnershipId, jobId);
  const lines = [
    `Import job ${job.id}: ${job.title}`,
    `  read into drafts: ${job.read_count}`,
    `  imported before:  ${job.duplicate_count}`,
    `  failed:           ${job.failed_count}`,
  ];
  const failures = files.filter((x) => x.status === 'failed');
  if (failures.length) lines.push('Failed, and why:', ...failures.map((x) => `  ${x.message ?? x.file_name}`));
  const waiting = files.filter((x) => x.status === 'queued' || x.status === 'reading').length;
  if (interrupted || waiting) lines.push(`Stopped with ${waiting} file${waiting === 1 ? '' : 's'} still to read. Carry on with: npm run import -- --resume ${job.id}`);
  if (job.read_count) lines.push(`Check and accept the drafts in the app: /imports/jobs/${job.id}`);
  out.write(`${lines.join('\n')}\n`);
  if (interrupted || waiting) return 130;
  return job.failed_count ? 1 : 0;
}
