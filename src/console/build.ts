import { copyFile, mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/**
 * Builds the web console into `dist/console/`: the page's TypeScript and uPlot bundled and minified into
 * one `app.js`, the styles (ours and uPlot's) into one `app.css`, and `index.html`. Nothing is loaded from
 * elsewhere at run time. `npm run build` runs this after tsc; the console tests run it too, so they
 * always test the current source.
 */

const here = fileURLToPath(new URL('.', import.meta.url));
export const CONSOLE_OUT_DIR = fileURLToPath(new URL('../../dist/console/', import.meta.url));

export interface ConsoleBuild {
  outDir: string;
  /** Bytes of each file written. */
  files: Record<string, number>;
}

export async function buildConsole(outDir = CONSOLE_OUT_DIR): Promise<ConsoleBuild> {
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  await build({
    entryPoints: { app: join(here, 'page', 'main.ts') },
    outdir: outDir,
    bundle: true,
    minify: true,
    format: 'esm',
    target: ['chrome110', 'firefox110', 'safari16'],
    legalComments: 'none',
    logLevel: 'warning',
  });
  await copyFile(join(here, 'index.html'), join(outDir, 'index.html'));
  const files: Record<string, number> = {};
  for (const name of ['index.html', 'app.js', 'app.css']) files[name] = (await stat(join(outDir, name))).size;
  return { outDir, files };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { files } = await buildConsole();
  const total = Object.values(files).reduce((a, b) => a + b, 0);
  process.stderr.write(
    `web console: ${Object.entries(files)
      .map(([n, b]) => `${n} ${b} B`)
      .join(', ')}; ${total} B\n`,
  );
}
