import js from '@eslint/js';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

// Imports flow one way (see DESIGN.md): core <- pipelines, models, analytics,
// decision <- api <- cli; training -> models, core. Nothing imports api/ or cli/
// but the library's client, which takes the API's contract (api/rest/schemas.ts).
const layer = (from, forbidden) => ({
  files: [`src/${from}/**/*.ts`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: forbidden.map((dir) => ({
          regex: `^(\\.\\./)+${dir}(/|$)`,
          message: `src/${from} must not import src/${dir} (one-way layers, DESIGN.md)`,
        })),
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
  layer('pipelines', ['training', 'decision', 'analytics', 'api', 'cli', 'dashboard']),
  layer('models', ['pipelines', 'training', 'decision', 'analytics', 'api', 'cli', 'dashboard']),
  layer('analytics', ['pipelines', 'training', 'decision', 'api', 'cli', 'dashboard']),
  layer('decision', ['pipelines', 'training', 'analytics', 'api', 'cli', 'dashboard']),
  layer('training', ['pipelines', 'decision', 'analytics', 'api', 'cli', 'dashboard']),
  layer('datasets', ['pipelines', 'training', 'decision', 'analytics', 'api', 'cli', 'dashboard']),
  layer('api', ['cli', 'dashboard']),
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
