import { cp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Puts the patched dynalite into `dist/vendor/dynalite` (`npm run build` runs this after tsc). The
 * embedded DynamoDB needs patches/dynalite+4.0.0.patch (the iterator leak, TransactWriteItems), which
 * patch-package applies to this checkout's node_modules only: a release installs its dependencies from
 * the registry (`npm ci --omit=dev --ignore-scripts` on a deploy host, `npm install -g` of the tarball),
 * so its own dynalite would come unpatched. The built code loads this copy instead
 * (embedded-dynamodb-server.ts); dynalite's own dependencies still resolve from the release's
 * node_modules. dynalite is MIT-licensed; its LICENSE is copied with it.
 */
export const VENDORED_DYNALITE = fileURLToPath(new URL('../../dist/vendor/dynalite', import.meta.url));

export async function vendorDynalite(): Promise<void> {
  const require = createRequire(import.meta.url);
  const source = dirname(require.resolve('dynalite/package.json'));
  await rm(VENDORED_DYNALITE, { recursive: true, force: true });
  await cp(source, VENDORED_DYNALITE, {
    recursive: true,
    // Not its node_modules (none: its dependencies are the release's), and not ssl/: the self-signed
    // certificate and private keys of its --ssl option, which citystream never turns on; a package
    // carries no private key, even a published one.
    filter: (path) => !/(^|\/)(node_modules|ssl)(\/|$)/.test(path.slice(source.length)),
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await vendorDynalite();
