import yauzl from 'yauzl';
import { ExtractionError, type ExtractionLimits } from './types.ts';
import { htmlToText } from './html.ts';
import { paragraphNumbers, readNumberingDefinitions } from './docxNumbering.ts';

function openZip(bytes: Uint8Array): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) =>
    yauzl.fromBuffer(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), { lazyEntries: true, validateEntrySizes: true, strictFileNames: false }, (err, zip) =>
      err || !zip ? reject(err ?? new Error('no zip')) : resolve(zip),
    ),
  );
}

/**
 * Checks a Word package before anything inflates it for real: the declared sizes
 * first, then the actual inflated sizes (yauzl refuses an entry that inflates past
 * what it declares), stopping as soon as a limit is passed. Answers whether the
 * package holds a Word document body.
 */
async function inspectPackage(bytes: Uint8Array, fileName: string, limits: ExtractionLimits): Promise<boolean> {
  let zip: yauzl.ZipFile;
  try {
    zip = await openZip(bytes);
  } catch (error) {
    throw new ExtractionError('truncated', fileName, `the file looks like a Word document (.docx) but its zip structure is broken or cut short (${(error as Error).message})`);
  }
  return new Promise<boolean>((resolve, reject) => {
    let entries = 0;
    let declared = 0;
    let inflated = 0;
    let hasBody = false;
    let settled = false;
    const fail = (error: ExtractionError) => {
      if (settled) return;
      settled = true;
      zip.close();
      reject(error);
    };
    zip.on('error', (err: Error) => fail(new ExtractionError('corrupt', fileName, `the Word document's zip structure is damaged (${err.message})`)));
    zip.on('end', () => {
      if (settled) return;
      settled = true;
      resolve(hasBody);
    });
    zip.on('entry', (entry: yauzl.Entry) => {
      entries++;
      declared += entry.uncompressedSize;
      if (entries > limits.maxZipEntries) return fail(new ExtractionError('zip-bomb', fileName, `the Word package holds more than ${limits.maxZipEntries} parts; refused`));
      if (declared > limits.maxUnzippedBytes)
        return fail(new ExtractionError('zip-bomb', fileName, `the Word package would unpack to more than ${Math.round(limits.maxUnzippedBytes / 1048576)} MB; refused`));
      if (entry.uncompressedSize > 1_000_000 && entry.uncompressedSize > entry.compressedSize * limits.maxCompressionRatio)
        return fail(new ExtractionError('zip-bomb', fileName, `part ${entry.fileName} is compressed ${Math.round(entry.uncompressedSize / Math.max(1, entry.compressedSize))} to 1, which only a zip bomb does; refused`));
      if (entry.fileName === 'word/document.xml') hasBody = true;
      if (entry.fileName.endsWith('/')) return zip.readEntry();
      zip.openReadStream(entry, (err, stream) => {
        if (err || !stream) return fail(new ExtractionError('corrupt', fileName, `part ${entry.fileName} cannot be read (${err?.message ?? 'no data'})`));
        stream.on('data', (chunk: Buffer) => {
          inflated += chunk.length;
          if (inflated > limits.maxUnzippedBytes) {
            stream.destroy();
            fail(new ExtractionError('zip-bomb', fileName, 'the Word package unpacks to more than its limit; refused'));
          }
        });
        stream.on('error', (e: Error) => fail(new ExtractionError('corrupt', fileName, `part ${entry.fileName} is damaged (${e.message})`)));
        stream.on('end', () => {
          if (!settled) zip.readEntry();
        });
      });
    });
    zip.readEntry();
  });
}

export async function docxToText(bytes: Uint8Array, fileName: string, limits: ExtractionLimits): Promise<string> {
  const hasBody = await inspectPackage(bytes, fileName, limits);
  if (!hasBody) throw new ExtractionError('unsupported-format', fileName, 'the file is a zip archive but not a Word document (no word/document.xml)');
  // The package's sizes were checked above, so its parts can be read whole.
  const parts = await readParts(bytes, ['word/document.xml', 'word/numbering.xml', 'word/styles.xml']).catch(() => new Map<string, string>());
  const numbering = parts.get('word/numbering.xml');
  // Numbers that cannot be worked out (XML the parser refuses) leave mammoth's own reading as it is.
  let labels: (string | null)[] = [];
  try {
    if (numbering) labels = paragraphNumbers(parts.get('word/document.xml') ?? '', readNumberingDefinitions(numbering, parts.get('word/styles.xml') ?? ''));
  } catch {
    labels = [];
  }
  let html: string;
  try {
    // Loaded with the first Word document, not at start (about 20 MB with its zip and XML readers).
    const { default: mammoth } = await import('mammoth');
    const result = await mammoth.convertToHtml({ buffer: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) }, labels.some(Boolean) ? { transformDocument: (doc: MammothElement) => printNumbers(doc, labels) } : {});
    html = result.value;
  } catch (error) {
    throw new ExtractionError('corrupt', fileName, `the Word document is damaged and cannot be read (${String((error as Error).message ?? error).slice(0, 120)})`);
  }
  return htmlToText(html, limits.maxDepth);
}

interface MammothElement {
  type: string;
  value?: string;
  numbering?: unknown;
  children?: MammothElement[];
}

/**
 * Writes each numbered paragraph's printed number into its text and takes it out of
 * mammoth's lists, which would number every list from 1. Only where the paragraphs line up
 * one to one with the ones numbered from the XML; otherwise mammoth's reading stands.
 */
function printNumbers(doc: MammothElement, labels: (string | null)[]): MammothElement {
  const paragraphs = descendants(doc, 'paragraph');
  if (paragraphs.length !== labels.length) return doc;
  paragraphs.forEach((p, i) => {
    const label = labels[i];
    if (!label || !p.numbering) return;
    const first = descendants(p, 'text')[0];
    if (!first) return;
    first.value = `${label} ${first.value ?? ''}`;
    p.numbering = null;
  });
  return doc;
}

/** Elements of a type below one, each after those nested in it (the order mammoth's transforms visit). */
function descendants(element: MammothElement, type: string, out: MammothElement[] = []): MammothElement[] {
  for (const child of element.children ?? []) {
    descendants(child, type, out);
    if (child.type === type) out.push(child);
  }
  return out;
}

/** The named parts of a Word package, as text. */
async function readParts(bytes: Uint8Array, names: string[]): Promise<Map<string, string>> {
  const zip = await openZip(bytes);
  const wanted = new Set(names);
  const out = new Map<string, string>();
  return new Promise((resolve, reject) => {
    zip.on('error', reject);
    zip.on('end', () => resolve(out));
    zip.on('entry', (entry: yauzl.Entry) => {
      if (!wanted.has(entry.fileName)) return zip.readEntry();
      zip.openReadStream(entry, (err, stream) => {
        if (err || !stream) return reject(err ?? new Error('no data'));
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('error', reject);
        stream.on('end', () => {
          out.set(entry.fileName, Buffer.concat(chunks).toString('utf8'));
          zip.readEntry();
        });
      });
    });
    zip.readEntry();
  });
}
