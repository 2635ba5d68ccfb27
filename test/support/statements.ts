// Counts the statements a database handle sends, for tests of round trips per page: every
// query Kysely runs (transactions included) goes through its executor's provideConnection,
// so the connection it hands out is wrapped there and each executeQuery counted.
import type { CompiledQuery, DatabaseConnection, Kysely } from 'kysely';

export interface StatementLog {
  /** The text of each statement sent since the log was started or last cleared, in order. */
  readonly texts: string[];
  clear(): void;
  stop(): void;
}

export function logStatements(db: Kysely<unknown>): StatementLog {
  const executor = db.getExecutor() as unknown as {
    provideConnection(consumer: (c: DatabaseConnection) => Promise<unknown>, options?: unknown): Promise<unknown>;
  };
  const texts: string[] = [];
  const original = executor.provideConnection;
  const wrap = (c: DatabaseConnection): DatabaseConnection => ({
    executeQuery: (compiled: CompiledQuery) => {
      texts.push(compiled.sql);
      return c.executeQuery(compiled);
    },
    streamQuery: (compiled: CompiledQuery, chunkSize: number) => {
      texts.push(compiled.sql);
      return c.streamQuery(compiled, chunkSize);
    },
  });
  executor.provideConnection = function (consumer, options) {
    return original.call(this, (c) => consumer(wrap(c)), options);
  };
  return {
    texts,
    clear: () => { texts.length = 0; },
    stop: () => { executor.provideConnection = original; },
  };
}
