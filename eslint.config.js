import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/**
 * The rooms of src/, highest first (docs/architecture.md). A module may import from its own room and from
 * rooms in later layers, never from an earlier layer or from another room of its own layer. `ui/` is
 * presentation: only `commands/` and `cli.ts` import it.
 */
const LAYERS = [
  ['cli'],
  ['commands'],
  ['stack', 'deploy'],
  ['api'],
  ['processor', 'queries'],
  ['store', 'broker'],
  ['events'],
  ['clients'],
  ['config'],
  ['errors'],
];
const FILE_ROOMS = new Set(['cli', 'errors']);

const patternsFor = (room) => (FILE_ROOMS.has(room) ? [`**/${room}.js`] : [`**/${room}/**`, `**/${room}`]);

function importRule(room, layer) {
  const above = LAYERS.slice(0, layer).flat();
  const siblings = LAYERS[layer].filter((r) => r !== room);
  const forbidden = [...above, ...siblings, ...(layer > 1 ? ['ui'] : [])];
  return {
    files: FILE_ROOMS.has(room) ? [`src/${room}.ts`] : [`src/${room}/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: forbidden.map((r) => ({
            group: patternsFor(r),
            message: `src/${room} may not import ${FILE_ROOMS.has(r) ? `src/${r}.ts` : `src/${r}/`}: imports run one way (docs/architecture.md).`,
          })),
        },
      ],
    },
  };
}

const roomRules = LAYERS.flatMap((rooms, layer) => rooms.map((room) => importRule(room, layer)));

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.citystream/**', 'coverage/**', 'test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { ...globals.node },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  ...roomRules,
  {
    // ui/ is presentation only: it may use the error classes and nothing else of citystream.
    files: ['src/ui/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: LAYERS.flat()
            .filter((r) => r !== 'errors')
            .map((r) => ({
              group: patternsFor(r),
              message: 'src/ui is presentation only: it imports nothing of citystream but src/errors.ts.',
            })),
        },
      ],
    },
  },
  {
    // The web console's browser code (built by esbuild, typechecked with src/console/tsconfig.json).
    files: ['src/console/page/**'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['bench/**', 'bin/**', 'test/**'],
    rules: { 'no-console': 'off' },
  },
);
