// ESLint flat config: typescript-eslint's type-aware rules on every TypeScript file of the project
// (the files tsconfig.json includes), ESLint's recommended rules on the few JavaScript files, and
// eslint-config-prettier last so that formatting is Prettier's job alone (`npm run format:check`).
import js from '@eslint/js';
import comments from '@eslint-community/eslint-plugin-eslint-comments/configs';
import prettier from 'eslint-config-prettier';
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';

export default defineConfig(
  // Generated code is rewritten by `npm run codegen`; build output, dependencies and local data are not ours.
  globalIgnores(['functions/lib/generated/', 'cdk.out/', 'node_modules/', 'coverage/', '.kezhi/']),

  {
    linterOptions: {
      // A disable comment that no longer suppresses anything is an error, so stale ones do not pile up.
      reportUnusedDisableDirectives: 'error',
    },
  },

  js.configs.recommended,
  comments.recommended,
  {
    rules: {
      // Every `eslint-disable…` comment must name its rule (the recommended set refuses a bare
      // `eslint-disable`) and say why after ` -- `.
      '@eslint-community/eslint-comments/require-description': 'error',
    },
  },

  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: {
        // The TypeScript project service reads tsconfig.json, so lint sees exactly the types `tsc` sees.
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // Destructuring a few attributes away (`const { PK: _pk, ...rest } = item`) and `_`-prefixed
      // parameters are how the code says "deliberately unused"; tsc's noUnusedLocals catches the rest.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { ignoreRestSiblings: true, argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
      // Off: `async` on a method that implements a Promise-returning interface (fakes in tests, Apollo
      // plugin hooks, adapters) is deliberate, since it turns a synchronous throw into a rejection.
      // no-floating-promises, no-misused-promises and await-thenable stay on and catch the real mistakes.
      '@typescript-eslint/require-await': 'off',
      // Casts: an object literal cast with `as` skips the excess-property and missing-property checks;
      // annotate the variable (`const x: T = {…}`) or use `satisfies` instead.
      '@typescript-eslint/consistent-type-assertions': ['error', { assertionStyle: 'as', objectLiteralTypeAssertions: 'allow-as-parameter' }],
    },
  },

  {
    // Tests read GraphQL responses and CloudFormation templates as loose JSON (the `Data` type of
    // test/support/testApp.ts, CDK's Template.findResources): every property read of that JSON is an
    // `any`, and the assertion on it is the check. The production code keeps these rules on.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
    },
  },

  {
    // The codegen plugin (CommonJS, loaded by graphql-codegen): not in tsconfig.json, so no type information.
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', module: 'writable' } },
  },

  {
    // graphql's values come through functions/lib/graphqlRuntime.ts: in a bundle, each ES module importing CommonJS
    // graphql copies its ~216 exports at cold start (that module says why). Type imports are erased and stay allowed.
    files: ['functions/**/*.ts'],
    ignores: ['functions/lib/graphqlRuntime.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector:
            "ImportDeclaration[source.value='graphql'][importKind='value'] > :matches(ImportSpecifier[importKind='value'], ImportDefaultSpecifier, ImportNamespaceSpecifier)",
          message: "Import graphql's values from functions/lib/graphqlRuntime.ts (one copy of its exports per bundle); types may come from 'graphql'.",
        },
        {
          selector: "ExportNamedDeclaration[source.value='graphql'][exportKind='value'], ExportAllDeclaration[source.value='graphql']",
          message: "Re-export graphql's values only from functions/lib/graphqlRuntime.ts.",
        },
      ],
    },
  },

  // The layers (docs/architecture.md): handler → resolvers → services → domain + repositories → Store.
  // Each block names what a layer may not reach; type-only imports of records stay allowed.
  {
    files: ['functions/lib/resolvers/**/*.ts'],
    // index.ts is the one module that gathers the others.
    ignores: ['functions/lib/resolvers/index.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['../auth/*', '../repositories/*', '../data/store.js', '../data/entityStore.js', '../data/keys.js'],
              allowTypeImports: true,
              message: 'Resolvers call services; policy and data access live below them.',
            },
            { group: ['./*', '!./scalars.js'], allowTypeImports: true, message: 'A resolver module does not import another resolver module.' },
          ],
        },
      ],
      'no-restricted-properties': ['error', { object: 'ctx', property: 'repos', message: 'Resolvers call ctx.services; repositories are for services.' }],
    },
  },
  {
    files: ['functions/lib/services/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['../resolvers/*', '@aws-sdk/*'],
              allowTypeImports: true,
              message: 'Services sit between resolvers and repositories; only the Store talks to DynamoDB.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['functions/lib/domain/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['../services/*', '../repositories/*', '../resolvers/*', '../data/*', '../realtime/*', '@aws-sdk/*'],
              allowTypeImports: true,
              message: 'Domain rules are pure: no I/O, no layers above.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['functions/lib/repositories/**/*.ts', 'functions/lib/realtime/**/*.ts', 'functions/lib/streams/**/*.ts', 'functions/lib/matching/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@aws-sdk/client-dynamodb', '@aws-sdk/lib-dynamodb', '../resolvers/*'],
              allowTypeImports: true,
              message: 'Only the Store (functions/lib/data/store.ts) sends DynamoDB commands.',
            },
          ],
        },
      ],
    },
  },

  prettier,
);
