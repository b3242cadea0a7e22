// Lint rules that keep the code small and honest: no floating promises, explicit types on
// exported functions, low complexity, the vendor boundary (only src/kube imports the Kubernetes
// client, only src/git imports simple-git) and imports that run one way between rooms.
import tseslint from 'typescript-eslint';

const VENDORS = [
  { name: '@kubernetes/client-node', message: 'Only src/kube/ talks to the Kubernetes client.' },
  { name: 'simple-git', message: 'Only src/git/ talks to git.' },
];

/**
 * Vendor packages a room may not import: only src/kube imports the Kubernetes client, only src/git simple-git.
 * @param {string} room
 */
function vendorsBannedIn(room) {
  return VENDORS.filter(
    (v) =>
      !(room === 'kube' && v.name === '@kubernetes/client-node') &&
      !(room === 'git' && v.name === 'simple-git'),
  );
}

// Imports run one way: cli → process → components → the rooms below. Components never import
// each other (the hub's objects are their interface); the rooms below import no component.
const COMPONENTS = ['hub', 'sync', 'rollout', 'notifications', 'dashboard'];
const ABOVE = ['cli', 'process'];

/**
 * @param {string} room
 * @param {string[]} forbidden rooms it must not import
 * @param {string} message
 * @returns {import('typescript-eslint').ConfigWithExtends}
 */
function roomRule(room, forbidden, message, files = [`src/${room}/**`]) {
  return {
    files,
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: vendorsBannedIn(room),
          patterns: [{ group: forbidden.map((other) => `**/${other}/**`), message }],
        },
      ],
    },
  };
}

const importDirection = [
  roomRule('process', ['cli'], 'The process never imports the CLI above it.'),
  ...COMPONENTS.map((room) =>
    roomRule(
      room,
      [...ABOVE, ...COMPONENTS.filter((other) => other !== room)],
      'A component imports no other component, nor the process or the CLI above it.',
    ),
  ),
  ...[
    'api',
    'charts',
    'clusters',
    'diff',
    'git',
    'kube',
    'observability',
    'plugin',
    'render',
    'scm',
    'shards',
    'template',
    'webhook',
  ].map((room) =>
    roomRule(room, [...ABOVE, ...COMPONENTS], 'The rooms below the components import none of them.'),
  ),
  roomRule('core', [...ABOVE, ...COMPONENTS], 'The pure core imports no component.', [
    'src/*.ts',
    'generators/**',
  ]),
];

export default tseslint.config(
  { ignores: ['node_modules/**', '.tools/**', '.cache/**', 'test/harness/bin/**'] },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/explicit-module-boundary-types': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      complexity: ['error', 15],
      'max-params': ['error', 4],
      'no-restricted-imports': ['error', { paths: VENDORS }],
    },
  },
  {
    files: ['src/kube/**/*.test.ts', 'test/harness/**', 'test/e2e/**'],
    rules: { 'no-restricted-imports': 'off' },
  },
  ...importDirection,
  {
    files: ['**/*.test.ts', 'bench/**', 'test/**'],
    rules: {
      '@typescript-eslint/explicit-module-boundary-types': 'off',
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['test', 'it', 'describe', 'suite'] },
          ],
        },
      ],
      'max-params': 'off',
    },
  },
  {
    // The dashboard's browser modules: plain JavaScript typed with JSDoc (no build step), checked by
    // their own tsconfig; API answers are JSON, so the `any`-safety rules and explicit return
    // types on components add noise, not safety there.
    files: ['src/dashboard/web/**/*.js'],
    rules: {
      '@typescript-eslint/explicit-module-boundary-types': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    files: ['eslint.config.js'],
    extends: [tseslint.configs.disableTypeChecked],
  },
);
