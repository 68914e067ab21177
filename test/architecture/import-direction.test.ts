/**
 * The import rule of docs/architecture.md is enforced by ESLint (eslint.config.js): these plant a module in
 * a room and lint it, so the rule is shown to fire on an upward or sideways import and to let a downward
 * one through.
 */
import { ESLint } from 'eslint';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const eslint = new ESLint({ cwd: root });

async function restrictedImports(file: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath: path.join(root, file) });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('Architecture > import direction', () => {
  it.each([
    [
      'src/store/planted.ts',
      "import { Processor } from '../processor/processor.js';\nexport { Processor };\n",
    ],
    ['src/processor/sinks/planted.ts', "import { ROUTES } from '../../api/routes.js';\nexport { ROUTES };\n"],
    ['src/processor/planted.ts', "import { stats } from '../queries/rollups.js';\nexport { stats };\n"],
    [
      'src/clients/planted.ts',
      "import { parseEvent } from '../events/event-schema.js';\nexport { parseEvent };\n",
    ],
    [
      'src/config/planted.ts',
      "import { createKafka } from '../clients/kafka.js';\nexport { createKafka };\n",
    ],
    ['src/api/planted.ts', "import { renderTable } from '../ui/table.js';\nexport { renderTable };\n"],
    ['src/stack/planted.ts', "import { commands } from '../commands/index.js';\nexport { commands };\n"],
    ['src/commands/planted.ts', "import { main } from '../cli.js';\nexport { main };\n"],
    ['src/ui/planted.ts', "import type { Config } from '../config/settings.js';\nexport type { Config };\n"],
  ])('refuses the planted import in %s', async (file, source) => {
    const messages = await restrictedImports(file, source);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/imports run one way|presentation only/);
  });

  it.each([
    [
      'src/processor/planted.ts',
      "import { BatchWriter } from '../store/batch-writer.js';\nexport { BatchWriter };\n",
    ],
    ['src/commands/planted.ts', "import { renderTable } from '../ui/table.js';\nexport { renderTable };\n"],
    ['src/stack/planted.ts', "import { startBroker } from '../broker/broker.js';\nexport { startBroker };\n"],
    ['src/ui/planted.ts', "import { isExpectedError } from '../errors.js';\nexport { isExpectedError };\n"],
  ])('lets the downward import in %s through', async (file, source) => {
    expect(await restrictedImports(file, source)).toEqual([]);
  });
});
