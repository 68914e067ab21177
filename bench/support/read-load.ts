/**
 * The load generator of bench/reads.ts, run in a process of its own so it does not share the API's
 * event loop: autocannon with N keep-alive connections, one request in flight each, for D seconds.
 * Connection i always asks for paths[i % paths.length], so with as many distinct paths as connections no
 * two requests in flight ask for the same document (the API then shares no read between them).
 * Prints autocannon's result as JSON on stdout.
 *
 *   node --import tsx bench/support/read-load.ts '{"origin":"http://…","paths":["/api/v1/…"],"connections":32,"duration":5}'
 */
import autocannon from 'autocannon';

interface LoadSpec {
  origin: string;
  paths: string[];
  connections: number;
  duration: number;
}

const spec = JSON.parse(process.argv[2] ?? '{}') as LoadSpec;
let connection = 0;
const result = await autocannon({
  url: spec.origin,
  connections: spec.connections,
  duration: spec.duration,
  pipelining: 1,
  initialContext: {},
  requests: [
    {
      setupRequest(request, context: { path?: string }) {
        context.path ??= spec.paths[connection++ % spec.paths.length];
        return { ...request, path: context.path };
      },
    },
  ],
});
process.stdout.write(JSON.stringify(result));
