import { createHash } from 'node:crypto';
import { copyFile, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ServiceError, UserError } from '../errors.js';
import type { Spawner } from './ssh/executor.js';

/** The package a deploy uploads: `npm pack` of this citystream and its package-lock.json. */
export interface ReleasePackage {
  tarball: string;
  lockfile: string;
  /** <version>-<first 12 hex of sha256(tarball + lockfile)>: same bytes, same release. */
  releaseId: string;
  /** Removes the temporary directory. */
  dispose(): Promise<void>;
}

/** This package's root (src/deploy or dist/deploy → ../..). */
export const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Packs this citystream into a temporary directory; with `packageFile`, uses that tarball instead (a build
 * made elsewhere, or a deliberately broken one in the rollback test). From a source checkout whose dist/
 * is missing or older than its sources it builds first; an installed citystream (no src/) packs as it is.
 * The lockfile is the checkout's, or the copy `npm run build` puts in dist/ (npm never packs
 * package-lock.json itself), so an installed citystream deploys exactly the versions it was built with.
 */
export async function preparePackage(options: {
  spawn: Spawner;
  packageFile?: string;
  build?: boolean;
  root?: string;
}): Promise<ReleasePackage> {
  const root = options.root ?? PACKAGE_ROOT;
  const dir = await mkdtemp(path.join(tmpdir(), 'citystream-pack-'));
  const dispose = () => rm(dir, { recursive: true, force: true });
  try {
    const lockfile = await firstExisting([
      path.join(root, 'package-lock.json'),
      path.join(root, 'dist', 'package-lock.json'),
    ]).catch(() => {
      throw new UserError(`no package-lock.json in ${root}`, {
        hint: 'a deploy installs exactly the locked versions; run npm install once',
      });
    });
    let tarball: string;
    if (options.packageFile) {
      tarball = path.join(dir, 'citystream.tgz');
      await copyFile(options.packageFile, tarball).catch((err: unknown) => {
        throw new UserError(`cannot read --package ${options.packageFile}`, { cause: err });
      });
    } else {
      if (options.build !== false && (await needsBuild(root)))
        await npm(options.spawn, root, ['run', 'build'], 'npm run build');
      const packed = await npm(
        options.spawn,
        root,
        ['pack', '--pack-destination', dir, '--json', '--silent', '--ignore-scripts'],
        'npm pack',
      );
      const name = (JSON.parse(packed) as Array<{ filename: string }>)[0]?.filename;
      if (!name) throw new ServiceError('npm pack printed no file name');
      tarball = path.join(dir, name.replace(/^@[^/]+\//, '').replace('/', '-'));
    }
    const version = (
      JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8')) as { version: string }
    ).version;
    const hash = createHash('sha256');
    hash.update(await readFile(tarball));
    hash.update(await readFile(lockfile));
    return { tarball, lockfile, releaseId: `${version}-${hash.digest('hex').slice(0, 12)}`, dispose };
  } catch (err) {
    await dispose();
    throw err;
  }
}

async function firstExisting(files: string[]): Promise<string> {
  for (const file of files)
    if (
      await stat(file).then(
        () => true,
        () => false,
      )
    )
      return file;
  throw new Error(`none of ${files.join(', ')}`);
}

/** A checkout needs a build when dist/cli.js is missing or older than a file under src/ or package.json. */
export async function needsBuild(root: string): Promise<boolean> {
  const built = await stat(path.join(root, 'dist', 'cli.js')).catch(() => undefined);
  const sources = await readdir(path.join(root, 'src'), { recursive: true }).catch(() => undefined);
  if (!sources) return false; // an installed package: dist/ is all there is
  if (!built) return true;
  const inputs = [...sources.map((f) => path.join(root, 'src', f)), path.join(root, 'package.json')];
  for (const file of inputs) {
    const info = await stat(file).catch(() => undefined);
    if (info?.isFile() && info.mtimeMs > built.mtimeMs) return true;
  }
  return false;
}

async function npm(spawn: Spawner, cwd: string, args: string[], what: string): Promise<string> {
  const result = await spawn({ file: 'npm', args, cwd, timeoutMs: 300_000 });
  if (result.exitCode !== 0)
    throw new ServiceError(
      `${what} failed (exit ${result.exitCode}): ${result.stderr.trim().split('\n').pop() ?? ''}`,
      {
        hint: `run \`${what}\` in ${cwd} to see why`,
      },
    );
  return result.stdout;
}
