// Type-aware linting: a promise nobody awaited on the hot path is the classic proxy bug.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'data/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      // `json<T>()` style typed reads are clearer than casts at every call site.
      '@typescript-eslint/no-unnecessary-type-parameters': 'off',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      'no-restricted-imports': [
        'error',
        {
          // A feature folder's index.ts is its only public door (STYLE.md, habit 1).
          patterns: [
            {
              regex: '^(\\.\\./)+(proxy|credentials|usage|pricing|storage|dashboard|cli|people)/(?!index\\.js$).+',
              message: 'Import a feature through its index.js.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    // The dashboard's browser scripts: plain classic scripts, uPlot loaded before them.
    files: ['src/dashboard/public/**/*.js'],
    languageOptions: {
      sourceType: 'script',
      globals: Object.fromEntries(
        ['window', 'document', 'location', 'fetch', 'EventSource', 'URL', 'CSS', 'getComputedStyle', 'ResizeObserver', 'uPlot'].map((name) => [name, 'readonly']),
      ),
    },
  },
);
