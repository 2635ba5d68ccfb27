// Statements prepared once (issue 19): the hot reads (the session on every signed-in
// request, the meeting record) are parsed and planned once per connection and then only
// bound and run. A query is marked with `prepared(...)`; each engine's driver
// (database.ts) looks its text up here and runs it by a name made from the text, so one
// name never stands for two texts.
import { createHash } from 'node:crypto';
import { protocol, parse, type PGlite } from '@electric-sql/pglite';
import type { CompiledQuery, QueryResult } from 'kysely';

/** Statement names by their text. Bounded: a marked query whose text varies (a list inlined) must not grow it for ever. */
const names = new Map<string, string>();
const MOST_NAMES = 200;

/** Marks a compiled query to be prepared once per connection; run it with `db.executeQuery(prepared(q.compile()))`. */
export function prepared<R>(compiled: CompiledQuery<R>): CompiledQuery<R> {
  if (!names.has(compiled.sql) && names.size < MOST_NAMES) {
    names.set(compiled.sql, `ph_${createHash('sha1').update(compiled.sql).digest('hex').slice(0, 24)}`);
  }
  return compiled;
}

/** The name of a marked text, or undefined for every other statement (run as before, unnamed). */
export const statementName = (text: string): string | undefined => names.get(text);

/** A prepared plan no longer fits the table it reads (a column added under `select *`): SQLSTATE 0A000. */
export const isStalePlan = (e: unknown) => (e as { code?: string } | null)?.code === '0A000';

const { serialize } = protocol;
type Message = Awaited<ReturnType<PGlite['execProtocol']>>['messages'][number];
interface Parsed { types: number[]; rowDescription: Message | undefined }

/**
 * PGlite's query() sends parse, describe, bind, describe, execute and sync as six calls
 * into the database, and parses and plans every time. A marked statement here is parsed
 * and described once (its parameters' types and its columns kept), then each run is one
 * call of bind, execute and sync. Measured on a one-row select: 0.25 ms against 1.26 ms.
 */
export function pglitePreparer(pglite: PGlite) {
  const parsed = new Map<string, Parsed>();
  const call = async (...messages: Uint8Array[]) => (await pglite.execProtocol(Buffer.concat(messages), { syncToFs: false })).messages;

  const run = async (name: string, compiled: CompiledQuery): Promise<QueryResult<unknown>> => {
    let statement = parsed.get(name);
    if (!statement) {
      const described = await call(serialize.parse({ name, text: compiled.sql }), serialize.describe({ type: 'S', name }), serialize.sync());
      statement = { types: parse.parseDescribeStatementResults(described), rowDescription: described.find((m) => m.name === 'rowDescription') };
      parsed.set(name, statement);
    }
    const types = statement.types;
    // As PGlite's query() serializes a parameter: by its type's serializer, else as text.
    const values = compiled.parameters.map((v, i) => {
      if (v === null || v === undefined) return null;
      const serializer = pglite.serializers[types[i]!];
      return (serializer ? serializer(v) : String(v)) as string | Uint8Array;
    });
    const messages = await call(serialize.bind({ statement: name, values }), serialize.execute({}), serialize.sync());
    const [result] = parse.parseResults(statement.rowDescription ? [statement.rowDescription, ...messages] : messages, pglite.parsers, { rowMode: 'object' });
    return { rows: (result?.rows ?? []) as unknown[] };
  };

  return {
    /** Runs a marked statement, holding PGlite's query lock as query() does. */
    execute: (name: string, compiled: CompiledQuery) => pglite.runExclusive(async () => {
      try {
        return await run(name, compiled);
      } catch (e) {
        if (!isStalePlan(e) || !parsed.has(name)) throw e;
        // Prepared again against the table as it is now, once.
        parsed.delete(name);
        await call(serialize.close({ type: 'S', name }), serialize.sync());
        return run(name, compiled);
      }
    }),
    /** After a change of schema (migrations): every statement is prepared again on first use. */
    forget: async () => {
      if (!parsed.size) return;
      parsed.clear();
      await pglite.exec('deallocate all');
    },
  };
}
