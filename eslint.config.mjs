// ESLint flat config. The `core` boundary rule is the one that matters most:
// src/core must run in plain Node (CLI, tests, workers), so it may never import `vscode`.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  {
    ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.cache/**', 'test/fixtures/**', '.vscode-test/**', 'out/**', 'eval/repos/**', 'eval/tasks/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-console': 'off',
    },
  },
  {
    files: ['webview-ui/**/*.ts'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'vscode', message: 'src/core must not depend on VS Code: put VS Code code in src/extension and pass data in.' }],
        patterns: [{ group: ['**/extension/**', '**/cli/**'], message: 'src/core must not depend on the extension or the CLI.' }],
      }],
      'no-restricted-syntax': ['error', {
        selector: "CallExpression[callee.name='require'][arguments.0.value='vscode']",
        message: 'src/core must not depend on VS Code.',
      }],
    },
  },
  {
    files: ['src/protocol/**/*.ts', 'webview-ui/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'vscode', message: 'webviews and the protocol run in the browser, not the extension host.' }],
        patterns: [{ group: ['**/core/**', '**/extension/**', '**/cli/**'], message: 'webview-ui may depend on src/protocol only.' }],
      }],
    },
  },
);
