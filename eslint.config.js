import js from '@eslint/js';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

// Imports flow one way (docs/architecture.md): core <- pipelines, models,
// analytics, decision, training <- api <- app <- cli. Nothing imports app/ or
// cli/; only the library's client takes the API's contract
// (api/rest/schemas.ts). A component folder is entered through its index:
// from outside it, `../pipelines/index.js`, never `../pipelines/sinks/rows.js`.
const COMPONENTS = ['analytics', 'decision', 'pipelines', 'training', 'api', 'app'];
const layer = (from, forbidden) => ({
  files: [`src/${from}/**/*.ts`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          ...forbidden.map((dir) => ({
            regex: `^(\\.\\./)+${dir}(/|$)`,
            message: `src/${from} must not import src/${dir} (one-way layers, docs/architecture.md)`,
          })),
          ...COMPONENTS.filter((dir) => dir !== from && !forbidden.includes(dir)).map((dir) => ({
            regex: `^(\\.\\./)+${dir}/(?!(.+/)?index\\.js$)`,
            message: `enter src/${dir} through its index.js (docs/architecture.md)`,
          })),
        ],
      },
    ],
  },
});

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', '.services/**', 'artifacts/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      // A hook may capture a variable that is assigned once the hooked object exists.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
    },
  },
  // The layout a newcomer can read: small files, short functions, no import
  // cycles. A table-like function (a catalogue, a route table) may pass 80
  // lines with `// eslint-disable-next-line max-lines-per-function -- table-like: <why>`.
  {
    files: ['src/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      // NodeNext: `./x.js` in an import is `./x.ts` on disk.
      'import-x/resolver-next': [
        createNodeResolver({
          extensions: ['.ts', '.js'],
          extensionAlias: { '.js': ['.ts', '.js'] },
        }),
      ],
    },
    rules: {
      'max-lines': ['error', { max: 400 }],
      'max-lines-per-function': ['error', { max: 80 }],
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
    },
  },
  // Tests read untyped JSON responses.
  { files: ['test/**/*.ts'], rules: { '@typescript-eslint/no-explicit-any': 'off' } },
  layer('core', [
    'app',
    'pipelines',
    'models',
    'training',
    'decision',
    'analytics',
    'api',
    'cli',
    'dashboard',
    'datasets',
  ]),
  layer('pipelines', ['app', 'training', 'decision', 'analytics', 'api', 'cli', 'dashboard']),
  layer('models', [
    'app',
    'pipelines',
    'training',
    'decision',
    'analytics',
    'api',
    'cli',
    'dashboard',
  ]),
  layer('analytics', ['app', 'pipelines', 'training', 'decision', 'api', 'cli', 'dashboard']),
  layer('decision', ['app', 'pipelines', 'training', 'analytics', 'api', 'cli', 'dashboard']),
  layer('training', ['app', 'pipelines', 'decision', 'analytics', 'api', 'cli', 'dashboard']),
  layer('datasets', [
    'app',
    'pipelines',
    'training',
    'decision',
    'analytics',
    'api',
    'cli',
    'dashboard',
  ]),
  layer('api', ['app', 'cli', 'dashboard']),
  layer('app', ['cli', 'dashboard']),
  layer('cli', ['dashboard']),
  // The library's client ships without server code: only the API's contract
  // (api/rest/schemas.ts) and the event definitions.
  {
    files: ['src/client/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(\\.\\./)+(?!client/|core/events/|api/rest/schemas\\.js$)',
              message:
                'src/client imports only core/events and api/rest/schemas.ts (no server code)',
            },
          ],
        },
      ],
    },
  },
  layer('dashboard', [
    'app',
    'core',
    'pipelines',
    'models',
    'training',
    'decision',
    'analytics',
    'api',
    'cli',
    'datasets',
  ]),
);
