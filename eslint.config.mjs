// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';
import pluginVue from 'eslint-plugin-vue';
import { builtinModules } from 'node:module';
import globals from 'globals';

// Workflow code is replayed: it must not reach Node built-ins, I/O, or wall-clock/random APIs
// directly (the SDK's sandbox provides deterministic Date and Math.random), and must keep zod out.
const nodeBuiltins = builtinModules.flatMap((m) => [m, `node:${m}`]);

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'tools/**',
      'data/**',
      'coverage/**',
      'bench/results/**',
      'console/dist/**',
      'console/generated/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  // the web console: Vue single-file components in TypeScript, running in the browser
  ...pluginVue.configs['flat/recommended'],
  {
    files: ['console/src/**/*.{ts,vue}'],
    languageOptions: {
      globals: globals.browser,
      parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'] },
    },
  },
  prettier,
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    languageOptions: { globals: globals.node },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    languageOptions: { parserOptions: { projectService: false } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            ...nodeBuiltins.map((name) => ({ name, message: 'Workflow code must not use Node built-ins.' })),
            {
              name: 'zod',
              message: 'Validate at the API and activity boundary, not in the workflow bundle.',
            },
            {
              name: '@temporalio/client',
              message: 'Workflows talk to Temporal through @temporalio/workflow.',
            },
            { name: '@temporalio/activity', message: 'Import activities with `import type` only.' },
          ],
          patterns: [
            {
              group: [
                '../activities',
                '../activities/*',
                '../api/*',
                '../worker/*',
                '../../activities',
                '../../activities/*',
                '../../api/*',
                '../../worker/*',
              ],
              allowTypeImports: true,
            },
            {
              group: [
                'chinese-days',
                'chinese-days/*',
                '**/domain/calendar/official',
                '**/domain/calendar/law',
              ],
              message: 'Workflows compute on the CalendarData slice in their input, never on the package.',
            },
            {
              group: [
                '../domain/schemas',
                '../config',
                '../config/*',
                '../../domain/schemas',
                '../../config',
                '../../config/*',
              ],
              allowTypeImports: true,
              message: 'Schemas carry zod and config reads the environment: import their types only.',
            },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'setTimeout', message: 'Use sleep() or condition() from @temporalio/workflow.' },
        { name: 'setInterval', message: 'Use sleep() in a loop from @temporalio/workflow.' },
        { name: 'process', message: 'Workflow code has no process.' },
        { name: 'fetch', message: 'I/O belongs in an activity.' },
        { name: 'require', message: 'Import modules statically.' },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'performance', property: 'now', message: 'Use Date.now() (deterministic in workflows).' },
        { object: 'crypto', property: 'randomUUID', message: 'Use uuid4() from @temporalio/workflow.' },
      ],
    },
  },
);
