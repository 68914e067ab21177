import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * A STAND-IN for the Grafana release tarball, served from 127.0.0.1: a `grafana-stand-in/` directory with
 * grafana-stand-in.mjs as `bin/grafana`, packed as Grafana packs its release (one top directory), and an
 * HTTP server that serves it, as a mirror would. The deploy takes it through --grafana-tarball and
 * --grafana-sha256 and checks the checksum on the host like any other.
 */
export interface GrafanaArtifactServer {
  url: string;
  sha256: string;
  /** How many times the tarball was fetched. */
  downloads(): number;
  close(): Promise<void>;
}

const STAND_IN = fileURLToPath(new URL('./grafana-stand-in.mjs', import.meta.url));

/** Packs a tarball; `withBinary: false` leaves out bin/grafana (a tarball that is not Grafana). */
export function packGrafanaStandIn(dir: string, options: { withBinary?: boolean } = {}): string {
  const root = mkdtempSync(path.join(tmpdir(), 'citystream-grafana-pack-'));
  const top = path.join(root, 'grafana-stand-in');
  mkdirSync(path.join(top, 'bin'), { recursive: true });
  mkdirSync(path.join(top, 'conf'));
  if (options.withBinary !== false) {
    copyFileSync(STAND_IN, path.join(top, 'bin', 'grafana'));
    chmodSync(path.join(top, 'bin', 'grafana'), 0o755);
  }
  const file = path.join(
    dir,
    options.withBinary === false ? 'not-grafana.tar.gz' : 'grafana-stand-in.tar.gz',
  );
  execFileSync('tar', ['-czf', file, '-C', root, 'grafana-stand-in']);
  rmSync(root, { recursive: true, force: true });
  return file;
}

export function sha256Of(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/** Serves `file` at http://127.0.0.1:<port>/<basename>; anything else is 404. */
export async function serveArtifact(file: string): Promise<GrafanaArtifactServer> {
  const body = readFileSync(file);
  const name = `/${path.basename(file)}`;
  let downloads = 0;
  const server: Server = createServer((req, res) => {
    if (req.url !== name) return void res.writeHead(404).end();
    downloads += 1;
    res.writeHead(200, { 'content-type': 'application/gzip', 'content-length': body.length });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${name}`,
    sha256: sha256Of(file),
    downloads: () => downloads,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
