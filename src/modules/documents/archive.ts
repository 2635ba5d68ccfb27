// Opens a .zip of an archive (a folder of agendas, minutes and papers) into its files,
// one at a time, from a file on disk or from bytes: only the entry being read is ever
// held in memory. The limits are checked on the zip's directory before anything is
// inflated, so a zip bomb is refused as a whole with a message naming it before the
// first file is given; an entry that cannot be used is given with the reason instead.
import yauzl from 'yauzl';

export interface ArchiveLimits {
  maxEntries: number;
  /** Largest total of the files unpacked. */
  maxTotalBytes: number;
  /** Largest single file. */
  maxFileBytes: number;
  /** Largest compression ratio for a big entry. */
  maxRatio: number;
}

export const defaultArchiveLimits: ArchiveLimits = {
  maxEntries: 2000,
  maxTotalBytes: 300 * 1024 * 1024,
  maxFileBytes: 50 * 1024 * 1024,
  maxRatio: 200,
};

export interface ArchiveFile {
  name: string;
  bytes: Uint8Array;
}

export interface ArchiveContents {
  files: ArchiveFile[];
  /** Entries that were left out, each with the reason naming it. */
  skipped: { name: string; message: string }[];
}

export class ArchiveError extends Error {
  override readonly name = 'ArchiveError';
  readonly fileName: string;
  constructor(fileName: string, detail: string) {
    super(`${fileName}: ${detail}`);
    this.fileName = fileName;
  }
}

/** A .zip that is an archive, not a Word document (which is a zip too). */
export function isArchiveName(fileName: string): boolean {
  return /\.zip$/i.test(fileName);
}

/** Entries that are not documents: folders, system litter, hidden files. */
function ignored(name: string): boolean {
  const base = name.split('/').pop() ?? name;
  return name.endsWith('/') || name.startsWith('__MACOSX/') || base.startsWith('.') || /^(thumbs\.db|desktop\.ini)$/i.test(base);
}

export type ArchiveSource = { path: string } | { bytes: Uint8Array };

export type ArchiveItem = { kind: 'file'; name: string; bytes: Uint8Array } | { kind: 'skipped'; name: string; message: string };

const zipOptions = { lazyEntries: true, autoClose: false, validateEntrySizes: true, strictFileNames: false, decodeStrings: true } as const;

function openZip(source: ArchiveSource): Promise<yauzl.ZipFile> {
  return new Promise<yauzl.ZipFile>((resolve, reject) => {
    const done = (err: Error | null, z?: yauzl.ZipFile) => (err || !z ? reject(err ?? new Error('no zip')) : resolve(z));
    if ('path' in source) yauzl.open(source.path, zipOptions, done);
    else yauzl.fromBuffer(Buffer.from(source.bytes.buffer, source.bytes.byteOffset, source.bytes.byteLength), zipOptions, done);
  });
}

/** The zip's directory entries, one by one (nothing is inflated). */
async function* directoryOf(zip: yauzl.ZipFile): AsyncGenerator<yauzl.Entry> {
  let failure: Error | null = null;
  zip.on('error', (err: Error) => (failure ??= err));
  for (;;) {
    const entry = await new Promise<yauzl.Entry | null>((resolve, reject) => {
      if (failure) return reject(failure);
      const settle = (fn: () => void) => {
        zip.off('entry', onEntry);
        zip.off('end', onEnd);
        zip.off('error', onError);
        fn();
      };
      const onEntry = (e: yauzl.Entry) => settle(() => resolve(e));
      const onEnd = () => settle(() => resolve(null));
      const onError = (err: Error) => settle(() => reject(err));
      zip.on('entry', onEntry);
      zip.on('end', onEnd);
      zip.on('error', onError);
      zip.readEntry();
    });
    if (!entry) return;
    yield entry;
  }
}

function inflate(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (err, stream) => {
      if (err || !stream) return reject(err ?? new Error('no data'));
      const chunks: Buffer[] = [];
      // yauzl stops an entry that inflates past its declared size (checked against the limits).
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', reject);
      stream.on('end', () => resolve(Buffer.concat(chunks)));
    });
  });
}

const mb = (n: number) => `${Math.round(n / 1048576)} MB`;

/** What becomes of one directory entry: ignored, refused as a whole, skipped with a reason, or read. */
function classify(entry: yauzl.Entry, limits: ArchiveLimits):
  { kind: 'ignored' } | { kind: 'fatal'; message: string } | { kind: 'skipped'; name: string; message: string } | { kind: 'read'; name: string } {
  const name = entry.fileName.replace(/\\/g, '/');
  if (ignored(name)) return { kind: 'ignored' };
  if (entry.uncompressedSize > 1_000_000 && entry.uncompressedSize > entry.compressedSize * limits.maxRatio) {
    return { kind: 'fatal', message: `${name} is compressed ${Math.round(entry.uncompressedSize / Math.max(1, entry.compressedSize))} to 1, which only a zip bomb does` };
  }
  if (entry.uncompressedSize > limits.maxFileBytes) return { kind: 'skipped', name, message: `${name}: the file is larger than ${mb(limits.maxFileBytes)}` };
  if (/\.zip$/i.test(name)) return { kind: 'skipped', name, message: `${name}: a zip inside the zip is not opened; import it on its own` };
  return { kind: 'read', name };
}

/**
 * Checks a zip's directory against the limits without inflating anything: a zip that
 * breaks one (too many files, too large unpacked, a zip bomb) or is damaged is refused
 * with an ArchiveError naming it.
 */
export async function checkArchive(source: ArchiveSource, zipName: string, limits: ArchiveLimits = defaultArchiveLimits): Promise<void> {
  let zip: yauzl.ZipFile;
  try {
    zip = await openZip(source);
  } catch (error) {
    throw new ArchiveError(zipName, `the zip file is damaged or cut short (${(error as Error).message}); nothing was imported`);
  }
  let entries = 0;
  let declared = 0;
  try {
    for await (const entry of directoryOf(zip)) {
      const what = classify(entry, limits);
      if (what.kind === 'ignored') continue;
      if (++entries > limits.maxEntries) throw new ArchiveError(zipName, `it holds more than ${limits.maxEntries} files; nothing was imported`);
      if (what.kind === 'fatal') throw new ArchiveError(zipName, `${what.message}; nothing was imported`);
      if (what.kind === 'read') declared += entry.uncompressedSize;
      if (declared > limits.maxTotalBytes) throw new ArchiveError(zipName, `it would unpack to more than ${mb(limits.maxTotalBytes)}; nothing was imported`);
    }
  } catch (error) {
    if (error instanceof ArchiveError) throw error;
    throw new ArchiveError(zipName, `the zip file is damaged (${(error as Error).message}); nothing was imported`);
  } finally {
    zip.close();
  }
}

/**
 * The zip's files, one at a time, after its directory passed checkArchive (so an
 * ArchiveError comes before the first file). An entry that cannot be used is given as
 * skipped, with the reason naming it.
 */
export async function* archiveFiles(source: ArchiveSource, zipName: string, limits: ArchiveLimits = defaultArchiveLimits): AsyncGenerator<ArchiveItem> {
  await checkArchive(source, zipName, limits);
  const zip = await openZip(source);
  try {
    for await (const entry of directoryOf(zip)) {
      const what = classify(entry, limits);
      if (what.kind === 'ignored' || what.kind === 'fatal') continue;
      if (what.kind === 'skipped') {
        yield what;
        continue;
      }
      let bytes: Buffer;
      try {
        bytes = await inflate(zip, entry);
      } catch (error) {
        yield { kind: 'skipped', name: what.name, message: `${what.name}: the entry is damaged in the zip (${(error as Error).message})` };
        continue;
      }
      if (bytes.length === 0) yield { kind: 'skipped', name: what.name, message: `${what.name}: the file is empty` };
      else yield { kind: 'file', name: what.name, bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) };
    }
  } finally {
    zip.close();
  }
}

/** The whole archive at once (the command line's small zips, and tests). */
export async function openArchive(bytes: Uint8Array, zipName: string, limits: ArchiveLimits = defaultArchiveLimits): Promise<ArchiveContents> {
  const contents: ArchiveContents = { files: [], skipped: [] };
  for await (const item of archiveFiles({ bytes }, zipName, limits)) {
    if (item.kind === 'file') contents.files.push({ name: item.name, bytes: item.bytes });
    else contents.skipped.push({ name: item.name, message: item.message });
  }
  return contents;
}
