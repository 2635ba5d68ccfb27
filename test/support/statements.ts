// Counts the statements a request sends to the database, for tests of round trips per page.
// Every query Kysely runs (transactions included) goes through its executor's
// provideConnection, so the connection it hands out is wrapped there and each executeQuery
// noted; only those made within `during`'s call (its async context) are counted, not the
// app's own background work (the notices runner, the daily work) that may run meanwhile.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { CompiledQuery, DatabaseConnection, Kysely } from 'kysely';

export interface StatementLog {
  /** Runs `fn` and gives the text of each statement it sent, in order. */
  during<T>(fn: () => Promise<T>): Promise<{ result: T; statements: string[] }>;
  stop(): void;
}

export function logStatements(db: Kysely<unknown>): StatementLog {
  const executor = db.getExecutor() as unknown as {
    provideConnection(consumer: (c: DatabaseConnection) => Promise<unknown>, options?: unknown): Promise<unknown>;
  };
  const context = new AsyncLocalStorage<string[]>();
  const note = (compiled: CompiledQuery) => context.getStore()?.push(compiled.sql);
  const original = executor.provideConnection;
  const wrap = (c: DatabaseConnection): DatabaseConnection => ({
    executeQuery: (compiled: CompiledQuery) => {
      note(compiled);
      return c.executeQuery(compiled);
    },
    streamQuery: (compiled: CompiledQuery, chunkSize: number) => {
      note(compiled);
      return c.streamQuery(compiled, chunkSize);
    },
  });
  executor.provideConnection = function (consumer, options) {
    return original.call(this, (c) => consumer(wrap(c)), options);
  };
  return {
    during: async (fn) => {
      const statements: string[] = [];
      const result = await context.run(statements, fn);
      return { result, statements };
    },
    stop: () => { executor.provideConnection = original; },
  };
}
