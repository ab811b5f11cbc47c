// @ts-check
// One ESLint config for the whole repository (issue 11 item 4): `npm run lint` runs it with --max-warnings 0 in CI.
// Type-aware (typescript-eslint's recommended-type-checked set) over the repository's own tsconfigs, so that rules
// such as no-floating-promises see the same types as `tsc -b` and `tsc -p tsconfig.test.json`. Formatting is
// Prettier's job (.prettierrc.json); no stylistic rules here.
import eslint from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  globalIgnores([
    '**/node_modules/',
    '**/dist/',
    '**/build/',
    'coverage/',
    'docs/api/',
    'out/',
    'runs/',
    // The PyTorch toolchain (Python; its few JSON files are data).
    'python/',
    'models/',
    'packages/model-default/model/',
    // Generated fixtures and graph templates (written by Python scripts, read by the tests).
    '**/__fixtures__/**/*.json',
    '**/test-fixtures/',
    'test/fixtures/',
    'packages/cli/templates/',
  ]),
  eslint.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        // The projects `npm run typecheck` builds, the tests' project, the examples' projects, and
        // tsconfig.eslint.json for the JavaScript files none of them covers. Each file is linted with the first
        // project that includes it.
        project: [
          './packages/core/tsconfig.json',
          './packages/core/tsconfig.node.json',
          './packages/adapters-labelstudio/tsconfig.json',
          './packages/adapters-labelstudio/tsconfig.browser.json',
          './packages/adapters-cvat/tsconfig.json',
          './packages/cli/tsconfig.json',
          './examples/web-demo/tsconfig.json',
          './examples/labelstudio-embed/tsconfig.json',
          './tsconfig.test.json',
          './tsconfig.eslint.json',
        ],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    linterOptions: {
      // A disable comment that no longer silences anything is an error: it would hide the next real finding.
      reportUnusedDisableDirectives: 'error',
    },
    rules: {
      // Unused names are errors; a leading underscore marks one that must stay (a callback's positional parameter,
      // an array hole in a destructuring). Rest siblings are the idiom for dropping keys from an object.
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          args: 'after-used',
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrors: 'all',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
      // Already in recommended-type-checked; listed to say they are the point of this config.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      // Rejecting with a caught `unknown` forwards the original error unchanged, as `throw error` in a catch does
      // (only-throw-error allows that too); any other non-Error rejection is still an error.
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingUnknown: true }],
      // Off: an `async` function without `await` is deliberate here. It turns a synchronous throw (a validation
      // error) into a rejection, and implements Promise-returning interfaces (Segmenter, the worker and session
      // methods, test fakes). The rule's remedy, dropping `async`, would make those throw synchronously instead.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // Tests, test helpers and benchmarks read JSON bodies, page.evaluate results and Label Studio's untyped frontend
    // store; the assertions that follow are the check, and typing every such value would only restate them.
    files: [
      '**/*.test.ts',
      '**/test-support/**',
      '**/test-support.ts',
      '**/__fixtures__/**',
      'packages/*/bench/**',
      'test/**',
    ],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    // Plain JavaScript: Node scripts and servers. TypeScript does not check these files (checkJs is off), so the
    // core no-undef rule stays on and needs Node's globals.
    files: ['**/*.{js,mjs,cjs}'],
    languageOptions: {
      globals: { ...globals.node },
    },
    rules: {
      // Untyped JavaScript: JSON.parse results and un-annotated parameters are `any`, and these rules would ask for
      // types that only TypeScript (or checkJs, which these scripts don't opt into) can state. The type-aware
      // promise rules stay on.
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    files: ['**/*.cjs'],
    rules: {
      // CommonJS: require() is how these files import, and destructuring a required module's functions
      // (`const { join } = require('node:path')`) is the CommonJS spelling of a named import, not an unbound method.
      '@typescript-eslint/no-require-imports': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    // The model package's hand-written declaration files: in no TypeScript program (tsconfig.eslint.json leaves them
    // out, since a .d.cts would shadow the .cjs of the same name there), so linted without type information.
    files: ['packages/model-default/*.d.{ts,cts}'],
    extends: [tseslint.configs.disableTypeChecked],
  },
);
