// Route schemas compiled on first use instead of at start. Fastify compiles every route's
// validators (Ajv) and response serializers (fast-json-stringify) when the app becomes
// ready: with a few hundred API routes that was about a quarter of the time from start to
// the first page (profiled: 4.4 s of 18 s on a loaded machine), for routes most starts
// never serve. Each wrapper compiles its schema with Fastify's own default compiler the
// first time a request needs it, then calls the compiled function directly.
// Each app has its own set of schemas not yet compiled (`lazySchemas()`), emptied when the
// app closes, so a closed app (a test's, say) leaves nothing behind; `compilePending`
// compiles every one at once, so a test can prove they all build.
import ajvCompilerSelector from '@fastify/ajv-compiler';
import serializerCompilerSelector from '@fastify/fast-json-stringify-compiler';
import type { FastifyServerOptions } from 'fastify';

type Compile<F> = (routeSchema: RouteSchemaInput) => F;
interface RouteSchemaInput { schema: unknown; method?: string; url?: string; httpPart?: string; httpStatus?: string; contentType?: string }
type Validate = ((data: unknown, context?: unknown) => unknown) & { errors?: unknown; schemaEnv?: unknown };
type Serialize = (data: unknown) => string;

function lazyValidator(pending: Set<() => void>, compile: Compile<Validate>, routeSchema: RouteSchemaInput): Validate {
  let compiled: Validate | null = null;
  const build = () => { compiled ??= compile(routeSchema); pending.delete(build); return compiled; };
  const validate: Validate = (data, context) => {
    const fn = compiled ?? build();
    const result = context === undefined ? fn(data) : fn(data, context);
    validate.errors = fn.errors;
    return result;
  };
  // Fastify hands a validator the request as the parent of the value only when the
  // function says it is Ajv's (schemaEnv); Ajv needs that to coerce or default a root value.
  validate.schemaEnv = true;
  pending.add(build);
  return validate;
}

function lazySerializer(pending: Set<() => void>, compile: Compile<Serialize>, routeSchema: RouteSchemaInput): Serialize {
  let compiled: Serialize | null = null;
  const build = () => { compiled ??= compile(routeSchema); pending.delete(build); return compiled; };
  pending.add(build);
  return (data) => (compiled ?? build())(data);
}

const defaultValidatorFactory = ajvCompilerSelector();
const defaultSerializerFactory = serializerCompilerSelector();

export interface LazySchemas {
  /** Fastify's `schemaController` option: its default compilers, each deferred to first use. */
  controller: NonNullable<FastifyServerOptions['schemaController']>;
  /** Compiles every schema of this app not yet used; throws the first that does not compile. Returns how many. */
  compilePending(): number;
  /** How many of this app's schemas are not compiled yet. */
  pendingCount(): number;
  /** Forgets the schemas not compiled yet (when the app closes). */
  clear(): void;
}

/** One app's lazy schemas: build one per Fastify instance. */
export function lazySchemas(): LazySchemas {
  const pending = new Set<() => void>();
  const controller = ({
    compilersFactory: {
      buildValidator: (externalSchemas: unknown, ajvOptions: unknown) => {
        const compile = (defaultValidatorFactory as unknown as (e: unknown, o: unknown) => Compile<Validate>)(externalSchemas, ajvOptions);
        return (routeSchema: RouteSchemaInput) => lazyValidator(pending, compile, routeSchema);
      },
      buildSerializer: (externalSchemas: unknown, serializerOptions: unknown) => {
        const compile = (defaultSerializerFactory as unknown as (e: unknown, o: unknown) => Compile<Serialize>)(externalSchemas, serializerOptions);
        return (routeSchema: RouteSchemaInput) => lazySerializer(pending, compile, routeSchema);
      },
    },
    // Fastify's types describe its factories through Ajv's own; at run time it calls each
    // compiler with { schema, method, url, httpPart | httpStatus }, as typed above.
  }) as unknown as NonNullable<FastifyServerOptions['schemaController']>;
  return {
    controller,
    compilePending() {
      const builds = [...pending];
      for (const build of builds) build();
      return builds.length;
    },
    pendingCount: () => pending.size,
    clear: () => pending.clear(),
  };
}
