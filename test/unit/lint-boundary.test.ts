import assert from 'node:assert/strict';
import path from 'node:path';
import { ESLint } from 'eslint';

const root = path.resolve(__dirname, '..', '..');

describe('architecture boundary (ESLint)', function () {
  this.timeout(60000);
  const eslint = new ESLint({ cwd: root });
  const lint = async (file: string, code: string) => (await eslint.lintText(code, { filePath: path.join(root, file) }))[0]!.messages;

  it('fails on a vscode import under src/core', async () => {
    const messages = await lint('src/core/example.ts', "import * as vscode from 'vscode';\nexport const v = vscode.version;\n");
    assert.ok(messages.some((m) => m.ruleId === 'no-restricted-imports' && /must not depend on VS Code/.test(m.message)), JSON.stringify(messages));
  });

  it('fails on require("vscode") under src/core', async () => {
    const messages = await lint('src/core/example.ts', "// eslint-disable-next-line @typescript-eslint/no-require-imports\nexport const v = require('vscode');\n");
    assert.ok(messages.some((m) => m.ruleId === 'no-restricted-syntax'), JSON.stringify(messages));
  });

  it('allows a vscode import in src/extension', async () => {
    const messages = await lint('src/extension/example.ts', "import * as vscode from 'vscode';\nexport const v = vscode.version;\n");
    assert.deepEqual(messages.filter((m) => m.ruleId === 'no-restricted-imports'), []);
  });
});
