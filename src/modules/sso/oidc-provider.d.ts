// oidc-provider ships no types: the little of it the tests use (testProvider.ts).
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';
  interface Account { accountId: string; claims(): Promise<Record<string, unknown>> }
  export default class Provider {
    constructor(issuer: string, configuration: {
      clients: Record<string, unknown>[];
      findAccount(ctx: unknown, sub: string): Promise<Account | undefined>;
      [option: string]: unknown;
    });
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
  }
}
