import { defineCommand } from './define-command.js';

/** Programs that open a URL in the default browser, by platform; the first one found is used. */
const OPENERS: Record<string, string[][]> = {
  darwin: [['open']],
  win32: [['cmd', '/c', 'start', '""']],
  linux: [['xdg-open'], ['sensible-browser'], ['x-www-browser']],
};

/** `citystream open`: the web console of `serve`/`up` in the default browser, where there is one. */
export const openCommand = defineCommand<{ print?: boolean }>({
  name: 'open',
  description: 'open the web console (served by `up` and `serve` at /) in the default browser',
  examples: [
    'citystream open',
    'citystream open --api-port 9090',
    'citystream open --print   # only the address',
  ],
  settings: ['apiPort', 'apiHost'],
  options: [{ flags: '--print', description: 'print the address instead of opening a browser' }],
  async handler(ctx, flags) {
    const host = ['0.0.0.0', '::', ''].includes(ctx.config.apiHost) ? '127.0.0.1' : ctx.config.apiHost;
    const url = `http://${host.includes(':') ? `[${host}]` : host}:${ctx.config.apiPort}/`;
    const up = await fetch(`${url}api/v1/openapi.json`, { signal: AbortSignal.timeout(2_000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (!up)
      ctx.out.warn(`nothing answers at ${url} yet: start it with \`citystream up\` or \`citystream serve\``);
    if (flags.print) {
      ctx.out.result({ url }, () => url);
      return;
    }
    const { execa } = await import('execa');
    for (const [command, ...args] of OPENERS[process.platform] ?? OPENERS.linux!) {
      const opened = await execa(command!, [...args, url], {
        stdio: 'ignore',
        timeout: 10_000,
        env: ctx.io.env,
      })
        .then(() => true)
        .catch(() => false);
      if (opened) {
        ctx.out.result({ url, opened: true }, () => `opened ${url}`);
        return;
      }
    }
    ctx.out.result({ url, opened: false }, () => url);
    ctx.out.info('no browser found on this machine: open the address above in one');
  },
});
