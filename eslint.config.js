import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.citystream/**', 'coverage/**'] },
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
