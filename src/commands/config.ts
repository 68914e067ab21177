import { envName, settings } from '../config/settings.js';
import { kebab } from '../config/resolve-config.js';
import { renderTable } from '../ui/table.js';
import { defineCommand } from './define-command.js';

export const configCommand = defineCommand({
  name: 'config',
  description: 'show the resolved configuration and where each value came from',
  examples: [
    'citystream config',
    'citystream config --json | jq .settings',
    'CITYSTREAM_PREFIX=dev- citystream config --target aws --region eu-west-1',
  ],
  helpAfter: `\nPrecedence: flags > CITYSTREAM_* environment > citystream.config.json > defaults.\nSettings: ${settings.map((s) => kebab(s.key)).join(', ')}\n`,
  async handler(ctx) {
    const rows = settings.map((def) => {
      const raw = (ctx.config as unknown as Record<string, unknown>)[def.key];
      const value = 'secret' in def && def.secret && raw !== undefined ? '(set)' : raw;
      return {
        key: def.key,
        value: value ?? null,
        source: ctx.sources[def.key] ?? 'unset',
        env: envName(def.key),
        description: def.description,
      };
    });
    ctx.out.result({ file: ctx.configFile ?? null, settings: rows }, () => {
      const table = renderTable(
        ['setting', 'value', 'from', 'environment'],
        rows.map((r) => [
          r.key,
          Array.isArray(r.value) ? r.value.join(',') : (r.value ?? ''),
          r.source,
          r.env,
        ]),
      );
      return `${table}\nconfig file: ${ctx.configFile ?? '(none; create citystream.config.json to set defaults)'}`;
    });
  },
});
