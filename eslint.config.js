import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Imports flow one way (see DESIGN.md): core <- pipelines, models, analytics,
// decision <- api <- cli; training -> models, core. Nothing imports api/ or cli/.
// `allowed` names the one file of a forbidden folder a layer may still import.
const layer = (from, forbidden, allowed = {}) => ({
  files: [`src/${from}/**/*.ts`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          ...forbidden.map((dir) => ({
            regex: `^(\\.\\./)+${dir}${allowed[dir] ? `(?!/${allowed[dir].replaceAll('.', '\\.')}$)` : ''}(/|$)`,
            message: `src/${from} must not import src/${dir} (one-way layers, DESIGN.md)`,
          })),
          ...(from === 'analytics' ? ANALYTICS_INSIDE : []),
          ...(forbidden.includes('analytics') ? [] : [ANALYTICS_ENTRY]),
        ],
      },
    ],
  },
});

// analytics/ is entered through each folder's index.ts (kpis/, alerts/, search/, records/),
// from outside and from its other folders alike.
const ENTRY_ONLY = 'import that folder through its index.js';
const ANALYTICS_ENTRY = {
  regex: '^(\\.\\./)+analytics/[^/]+/(?!index\\.js$)',
  message: ENTRY_ONLY,
};
const ANALYTICS_INSIDE = [
  { regex: '^\\.\\./[^./][^/]*/(?!index\\.js$)', message: ENTRY_ONLY },
  { regex: '^\\./[^/]+/(?!index\\.js$)', message: ENTRY_ONLY },
];

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
  layer('cli', ['dashboard']),
  // The browser bundle: only the KPI catalogue (pure, no Node imports) from the server side.
  layer(
    'dashboard',
    ['core', 'pipelines', 'models', 'training', 'decision', 'analytics', 'api', 'cli', 'datasets'],
    { analytics: 'kpis/kpi-catalogue.js' },
  ),
);
