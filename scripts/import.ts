// npm run import -- FILE...          a human summary of each document
// npm run --silent import -- --json FILE   the reading of one document as JSON (SCHEMA.md)
// npm run import -- FOLDER | ARCHIVE.zip ...   a bulk import into the database (src/modules/documents/bulkImport.ts):
//   every document becomes a draft to check and accept in the app, with a progress bar
//   on standard error and, at the end, what failed and why. Options: --partnership SLUG.
// npm run import -- --resume JOBID   carries on with a bulk import that was stopped
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { importBytes } from '../src/modules/documents/import/importer.ts';
import { ExtractionError } from '../src/modules/documents/extract/index.ts';
import type { DocumentReading } from '../src/modules/documents/import/types.ts';

function summary(file: string, r: DocumentReading): string {
  const out = [`${basename(file)}: ${r.documentKind} of ${r.body ?? '(body not found)'}`];
  for (const m of r.meetings) {
    const people = m.attendance.present.length + m.attendance.alsoPresent.length + m.attendance.inAttendance.length;
    out.push(
      `  ${m.role} ${m.date ?? '(no date)'}${m.startTime ? ` ${m.startTime}` : ''}${m.venue ? `, ${m.venue}` : ''}: ${m.items.length} items, ${people} present, ${m.attendance.apologies.length} apologies`,
    );
    for (const i of m.items) {
      const ref = [i.minuteNumber, i.agendaCode && `(${i.agendaCode})`].filter(Boolean).join(' ');
      const flags = [i.restricted ? 'restricted' : '', i.pages ? `pages ${i.pages}` : '', i.resolutions.length ? `${i.resolutions.length} resolved` : '', i.actions.length ? `${i.actions.length} actions` : '']
        .filter(Boolean)
        .join(', ');
      out.push(`    ${ref ? ref + ' ' : ''}${i.title}${flags ? `  [${flags}]` : ''}`);
    }
  }
  for (const rep of r.reports) out.push(`  report ${rep.agendaCode ?? '?'}: ${rep.title} (${rep.authors.join(', ') || 'no author'})`);
  for (const w of r.warnings) out.push(`  warning: ${w}`);
  return out.join('\n');
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  if (args.includes('--resume') || (!args.includes('--json') && (await anyBulk(args)))) return (await import('../src/modules/documents/bulkImport.ts')).bulkImport(args, { handleSignals: true });
  const json = args.includes('--json');
  const files = args.filter((a) => a !== '--json');
  if (!files.length) {
    process.stderr.write('usage: npm run import -- [--json] FILE...\n');
    return 2;
  }
  if (json && files.length !== 1) {
    process.stderr.write('--json reads exactly one file\n');
    return 2;
  }
  let failed = 0;
  for (const file of files) {
    try {
      const bytes = await readFile(file);
      const reading = await importBytes(bytes, file);
      if (json) process.stdout.write(JSON.stringify(reading, null, 2) + '\n');
      else process.stdout.write(summary(file, reading) + '\n\n');
    } catch (error) {
      failed++;
      const message =
        error instanceof ExtractionError
          ? `${error.message} [${error.code}]`
          : (error as NodeJS.ErrnoException)?.code === 'ENOENT'
            ? `${basename(file)}: no such file`
            : `${basename(file)}: could not be read (${(error as Error)?.message ?? String(error)})`;
      process.stderr.write(`error: ${message}\n`);
    }
  }
  return failed ? 1 : 0;
}

/** A folder or a .zip among the arguments makes the run a bulk import. */
async function anyBulk(args: string[]): Promise<boolean> {
  for (const a of args) {
    if (a.startsWith('--')) continue;
    if (/\.zip$/i.test(a)) return true;
    if (await stat(a).then((s) => s.isDirectory(), () => false)) return true;
  }
  return false;
}

process.exitCode = await main();
