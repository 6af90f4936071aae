// One history: the extension and the deploy-agent CLI read and write the same database by
// default, so `deploy-agent list` shows what was deployed in VS Code (and the panel what the CLI did).
import assert from 'node:assert/strict';
import path from 'node:path';
import Database from 'better-sqlite3';
import * as vscode from 'vscode';
import type { DeployAgentApi } from '../../src/extension/main';
import { runBuiltCli } from '../support/cli';

describe('one history for VS Code and the CLI', () => {
  it('the extension opens the database the CLI opens, in the default place, and the CLI lists what the extension recorded', async function () {
    this.timeout(60000);
    const api = await vscode.extensions.getExtension<DeployAgentApi>('deploy-agent.deploy-agent')!.activate();
    const mine = await api.services().computeDiagnostics();
    assert.equal(mine.database.pathSource, 'default');
    assert.match(mine.database.pathFrom, /shared by the deploy-agent CLI and VS Code/);
    assert.ok(process.env.XDG_DATA_HOME, 'the e2e run gives the editor a data folder of its own');
    assert.equal(mine.database.path, path.join(process.env.XDG_DATA_HOME!, 'deploy-agent', 'history.db'));

    // The CLI, started from here with the same environment as a terminal in this editor would have.
    const env = { ...process.env, OLLAMA_HOST: '127.0.0.1:9', DEPLOY_AGENT_DB: '' };
    const diagnostics = await runBuiltCli(['diagnostics', '--json'], { env });
    assert.equal(diagnostics.code, 0, diagnostics.stderr);
    assert.equal((JSON.parse(diagnostics.stdout) as { database: { path: string } }).database.path, mine.database.path);

    const listed = await runBuiltCli(['list', '--json', '--limit', '1000'], { env });
    assert.equal(listed.code, 0, listed.stderr);
    const cliIds = (JSON.parse(listed.stdout) as { deployments: { id: string }[] }).deployments.map((d) => d.id).sort();
    const db = new Database(mine.database.path, { readonly: true });
    try {
      const extensionIds = (db.prepare('SELECT id FROM deployments').pluck().all() as string[]).sort();
      assert.deepEqual(cliIds, extensionIds);
    } finally {
      db.close();
    }
  });
});
