// Entry of the suite that runs inside the VS Code extension host: the `run()` that
// @vscode/test-electron (extensionTestsPath) and code-server's `payload` URL call.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import Mocha from 'mocha';
import * as vscode from 'vscode';
import { JsonFileReporter, writeResults } from './reporter';
import { extras } from './results';

export async function run(): Promise<void> {
  const startedAt = new Date().toISOString();
  try {
    const mocha = new Mocha({ ui: 'bdd', timeout: 30000, reporter: JsonFileReporter, color: false });
    // The UI scenarios that follow open windows on the same user data: a panel a test left open would
    // come back with them (and close their quick picks as it restores). Closed before the results are written.
    mocha.rootHooks({
      afterAll: async () => {
        await vscode.commands.executeCommand('workbench.action.closeAllEditors');
        await new Promise((resolve) => setTimeout(resolve, 1000));
      },
    });
    // Each area has its own file (extension.test.ts, panel.test.ts, …), bundled beside this one.
    // DEPLOY_AGENT_VSCODE_SUITE=regex runs only the matching files (while working on one area).
    const only = process.env.DEPLOY_AGENT_VSCODE_SUITE ? new RegExp(process.env.DEPLOY_AGENT_VSCODE_SUITE) : undefined;
    for (const file of readdirSync(__dirname).filter((name) => name.endsWith('.test.js') && (!only || only.test(name))).sort()) mocha.addFile(path.join(__dirname, file));
    const failures = await new Promise<number>((resolve) => mocha.run(resolve));
    if (failures > 0) throw new Error(`${failures} extension-host test(s) failed`);
  } catch (error) {
    // A suite that could not even start still has to leave a result, or the harness waits in vain.
    if (!(error instanceof Error && /test\(s\) failed$/.test(error.message))) {
      writeResults({ passed: 0, failed: 1, pending: 0, tests: [], startedAt, finishedAt: new Date().toISOString(), extras, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    }
    throw error;
  }
}
