// ESLint (flat config) with typescript-eslint's recommended rules, without type information:
// syntax-level rules keep `npm run lint` fast; `npm run typecheck` does the type checking.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', '.cache/', 'models/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module', globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly', performance: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', setImmediate: 'readonly', AbortController: 'readonly', AbortSignal: 'readonly', TextDecoder: 'readonly', TextEncoder: 'readonly', structuredClone: 'readonly', fetch: 'readonly', queueMicrotask: 'readonly', NodeJS: 'readonly' } },
    rules: {
      // `_name` marks a value taken apart on purpose and left unused.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', caughtErrors: 'none' }],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      // `let { kind, prefix } = …` where only `kind` changes later is fine.
      'prefer-const': ['error', { destructuring: 'all' }],
      'no-console': 'off',
    },
  },
  {
    // The library never reaches up into the CLI (tests/unit/architecture.test.ts checks the whole graph).
    files: ['src/**/*.ts'],
    ignores: ['src/cli/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: ['**/cli/*', '../cli', '../../cli'], message: 'library code must not import the CLI' }] }] },
  },
  {
    // The CLI's argument types are inferred from its option definitions (src/cli/shared-options.ts).
    files: ['src/cli/**/*.ts'],
    rules: {
      'no-restricted-syntax': ['error', { selector: "TSAsExpression > TSAsExpression[typeAnnotation.type='TSUnknownKeyword']", message: 'no `as unknown as` casts at the CLI boundary: derive the type from the option definitions' }],
    },
  },
);
