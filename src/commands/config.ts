import { Command } from 'commander';
import { envName, settings } from '../config/settings.js';
import { kebab } from '../config/resolve-config.js';
import { renderTable } from '../ui/table.js';
import { type CommandModule, withExamples } from './command.js';

export const configCommand: CommandModule = {
  name: 'config',
  register(program, services) {
    const cmd = new Command('config')
      .description('show the resolved configuration and where each value came from')
      .action(async (_opts, self: Command) => {
        const ctx = await services.context(self);
        const rows = settings.map((def) => {
          const value = (ctx.config as unknown as Record<string, unknown>)[def.key];
          return {
            key: def.key,
            value: value ?? null,
            source: ctx.resolved.sources[def.key] ?? 'unset',
            env: envName(def.key),
            description: def.description,
          };
        });
        ctx.out.result({ file: ctx.resolved.file ?? null, settings: rows }, () => {
          const table = renderTable(
            ['setting', 'value', 'from', 'environment'],
            rows.map((r) => [
              r.key,
              Array.isArray(r.value) ? r.value.join(',') : (r.value ?? ''),
              r.source,
              r.env,
            ]),
          );
          return `${table}\nconfig file: ${ctx.resolved.file ?? '(none; create citystream.config.json to set defaults)'}`;
        });
      });
    withExamples(cmd, [
      'citystream config',
      'citystream config --json | jq .settings',
      'CITYSTREAM_PREFIX=dev- citystream config --target aws --region eu-west-1',
    ]);
    cmd.addHelpText(
      'after',
      `\nPrecedence: flags > CITYSTREAM_* environment > citystream.config.json > defaults.\nSettings: ${settings.map((s) => kebab(s.key)).join(', ')}\n`,
    );
    program.addCommand(cmd);
  },
};
