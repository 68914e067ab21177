import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/**
 * The web console's files, built by `npm run build` into `dist/console/` and served from memory at `/`:
 * nothing is fetched from anywhere else, so the page works offline. Built code runs from `dist/api/`,
 * tests and `tsx` from `src/api/`; both find the same directory.
 */

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.map': 'application/json; charset=utf-8',
};

/** Only the page's own files; inline styles for uPlot's sizing. */
const CSP =
  "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'";

interface Asset {
  body: Buffer;
  type: string;
  etag: string;
}

export function defaultConsoleDir(): string | undefined {
  const candidates = ['../console/', '../../dist/console/'].map((p) =>
    fileURLToPath(new URL(p, import.meta.url)),
  );
  // src/console/ has an index.html too (the source): a built directory also has the bundle.
  return candidates.find((dir) => existsSync(join(dir, 'index.html')) && existsSync(join(dir, 'app.js')));
}

async function loadAssets(dir: string): Promise<Map<string, Asset>> {
  const assets = new Map<string, Asset>();
  for (const name of await readdir(dir)) {
    const type = TYPES[extname(name)];
    if (!type) continue;
    const body = await readFile(join(dir, name));
    const etag = `"${createHash('sha1').update(body).digest('base64url').slice(0, 16)}"`;
    assets.set(`/${name}`, { body, type, etag });
  }
  return assets;
}

/** Serves the console at `/` (and its files beside it); without a build, `/` says how to make one. */
export async function registerConsole(app: FastifyInstance, dir: string | undefined): Promise<void> {
  const assets = dir ? await loadAssets(dir) : new Map<string, Asset>();
  const index = assets.get('/index.html');
  const serve = (asset: Asset) => async (req: FastifyRequest, reply: FastifyReply) => {
    reply.header('etag', asset.etag).header('cache-control', 'no-cache');
    reply.header('x-content-type-options', 'nosniff');
    if (asset.type.startsWith('text/html')) reply.header('content-security-policy', CSP);
    if (req.headers['if-none-match'] === asset.etag) return reply.code(304).send();
    return reply.type(asset.type).send(asset.body);
  };
  if (!index) {
    app.get('/', async (_req, reply) =>
      reply
        .code(503)
        .type('text/plain; charset=utf-8')
        .send('the web console is not built: run `npm run build` (the REST API is under /api/v1)\n'),
    );
    return;
  }
  app.get('/', serve(index));
  for (const [path, asset] of assets) if (path !== '/index.html') app.get(path, serve(asset));
}
