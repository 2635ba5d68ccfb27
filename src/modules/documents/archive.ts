// Opens a .zip of an archive (a folder of agendas, minutes and papers) into its files,
// with limits checked before and while anything is inflated: a zip bomb is refused as a
// whole with a message naming it; an entry that cannot be used is listed with the reason.
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
  constructor(readonly fileName: string, detail: string) {
    super(`${fileName}: ${detail}`);
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

export async function openArchive(bytes: Uint8Array, zipName: string, limits: ArchiveLimits = defaultArchiveLimits): Promise<ArchiveContents> {
  let zip: yauzl.ZipFile;
  try {
    zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
      yauzl.fromBuffer(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), { lazyEntries: true, validateEntrySizes: true, strictFileNames: false, decodeStrings: true }, (err, z) =>
        err || !z ? reject(err ?? new Error('no zip')) : resolve(z)),
    );
  } catch (error) {
    throw new ArchiveError(zipName, `the zip file is damaged or cut short (${(error as Error).message}); nothing was imported`);
  }
  const mb = (n: number) => `${Math.round(n / 1048576)} MB`;
  return new Promise<ArchiveContents>((resolve, reject) => {
    const files: ArchiveFile[] = [];
    const skipped: ArchiveContents['skipped'] = [];
    let entries = 0;
    let declared = 0;
    let inflated = 0;
    let settled = false;
    const fail = (message: string) => {
      if (settled) return;
      settled = true;
      zip.close();
      reject(new ArchiveError(zipName, `${message}; nothing was imported`));
    };
    zip.on('error', (err: Error) => fail(`the zip file is damaged (${err.message})`));
    zip.on('end', () => {
      if (settled) return;
      settled = true;
      resolve({ files, skipped });
    });
    zip.on('entry', (entry: yauzl.Entry) => {
      const name = entry.fileName.replace(/\\/g, '/');
      if (ignored(name)) return zip.readEntry();
      entries++;
      if (entries > limits.maxEntries) return fail(`it holds more than ${limits.maxEntries} files`);
      if (entry.uncompressedSize > 1_000_000 && entry.uncompressedSize > entry.compressedSize * limits.maxRatio) {
        return fail(`${name} is compressed ${Math.round(entry.uncompressedSize / Math.max(1, entry.compressedSize))} to 1, which only a zip bomb does`);
      }
      if (entry.uncompressedSize > limits.maxFileBytes) {
        skipped.push({ name, message: `${name}: the file is larger than ${mb(limits.maxFileBytes)}` });
        return zip.readEntry();
      }
      if (/\.zip$/i.test(name)) {
        skipped.push({ name, message: `${name}: a zip inside the zip is not opened; import it on its own` });
        return zip.readEntry();
      }
      declared += entry.uncompressedSize;
      if (declared > limits.maxTotalBytes) return fail(`it would unpack to more than ${mb(limits.maxTotalBytes)}`);
      zip.openReadStream(entry, (err, stream) => {
        if (err || !stream) {
          skipped.push({ name, message: `${name}: the entry cannot be read from the zip (${err?.message ?? 'no data'})` });
          return zip.readEntry();
        }
        const chunks: Buffer[] = [];
        let size = 0;
        let broken = false;
        stream.on('data', (chunk: Buffer) => {
          size += chunk.length;
          inflated += chunk.length;
          // yauzl also refuses an entry that inflates past its declared size.
          if (inflated > limits.maxTotalBytes) {
            stream.destroy();
            fail(`it unpacks to more than ${mb(limits.maxTotalBytes)}`);
            return;
          }
          chunks.push(chunk);
        });
        stream.on('error', (e: Error) => {
          broken = true;
          if (settled) return;
          skipped.push({ name, message: `${name}: the entry is damaged in the zip (${e.message})` });
          zip.readEntry();
        });
        stream.on('end', () => {
          if (settled || broken) return;
          if (size > 0) files.push({ name, bytes: new Uint8Array(Buffer.concat(chunks)) });
          else skipped.push({ name, message: `${name}: the file is empty` });
          zip.readEntry();
        });
      });
    });
    zip.readEntry();
  });
}
