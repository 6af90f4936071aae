// (Named to run after sidebar.test.ts: its releases are deployments of this repository, which the sidebar's exact counts of a seeded history must not see.)
// Releases in the VS Code extension host: the command and the Targets view are contributed, the
// view's empty state, then a `local` target in the open workspace's .deploy-agent/config.json
// released twice and rolled back through the extension's own release controller (the same core
// release as the CLI), with the view showing the current release and its health.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import type { DeployAgentApi } from '../../src/extension/main';
import type { TargetNode } from '../../src/extension/release/targets-tree';

const EXTENSION_ID = 'deploy-agent.deploy-agent';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = http.createServer().listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

describe('Deploy Agent: release to a target', function () {
  this.timeout(120_000);
  const folder = () => vscode.workspace.workspaceFolders![0]!.uri.fsPath;
  const configFile = () => path.join(folder(), '.deploy-agent', 'config.json');
  let saved: string | undefined;
  let root: string | undefined;

  before(() => {
    saved = existsSync(configFile()) ? readFileSync(configFile(), 'utf8') : undefined;
  });
  after(async () => {
    // "Release to Target" follows the release in the panel: close it, or the UI scenarios that run in
    // this window's user data after the suite find it restored on this release instead of their list.
    const api = await vscode.extensions.getExtension<DeployAgentApi>(EXTENSION_ID)!.activate();
    api.services().panel().current()?.dispose();
    if (root && existsSync(path.join(root, 'run', 'app.pid'))) {
      try {
        process.kill(-Number(readFileSync(path.join(root, 'run', 'app.pid'), 'utf8')), 'SIGKILL');
      } catch {
        // gone
      }
    }
    if (saved === undefined) rmSync(configFile(), { force: true });
    else writeFileSync(configFile(), saved);
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('the command and the Targets view are there; no targets → the view says how to add one', async () => {
    const api = await vscode.extensions.getExtension<DeployAgentApi>(EXTENSION_ID)!.activate();
    const commands = await vscode.commands.getCommands(true);
    for (const id of ['deployAgent.releaseToTarget', 'deployAgent.targets.release', 'deployAgent.targets.rollBack', 'deployAgent.targets.check']) assert.ok(commands.includes(id), id);
    // The e2e workspace has a configuration of its own (without targets): the empty state is
    // checked with that configuration as it is, and with any targets taken out of it (after() puts
    // the file back), so this check never depends on what the workspace happens to contain.
    const own = saved === undefined ? undefined : (JSON.parse(saved) as Record<string, unknown>);
    if (own && 'targets' in own) {
      const { targets: _targets, ...rest } = own;
      writeFileSync(configFile(), JSON.stringify(rest));
      await vscode.commands.executeCommand('deployAgent.targets.refresh');
    }
    // No targets: an empty tree, so VS Code shows the view's welcome content (package.json viewsWelcome).
    const nodes = await api.services().release().tree.getChildren();
    assert.deepEqual(nodes, []);
  });

  it('a local target released twice and rolled back; the view shows the current release, healthy', async () => {
    const api = await vscode.extensions.getExtension<DeployAgentApi>(EXTENSION_ID)!.activate();
    const release = api.services().release();
    const port = await freePort();
    root = mkdtempSync(path.join(os.tmpdir(), 'deploy-agent-vscode-release-'));
    mkdirSync(path.join(root, 'shared'), { recursive: true });
    writeFileSync(path.join(root, 'shared', '.env'), `PORT=${port}\n`);
    const server = `require('http').createServer((q, s) => s.end(JSON.stringify({ version: require('./package.json').version }))).listen(process.env.PORT, '127.0.0.1')`;
    mkdirSync(path.dirname(configFile()), { recursive: true });
    writeFileSync(
      configFile(),
      JSON.stringify({ targets: { local: { type: 'local', path: root, shared: ['.env'], steps: { install: 'true' }, start: `${JSON.stringify(process.execPath)} -e ${JSON.stringify(server)}`, healthCheck: { url: `http://127.0.0.1:${port}/health`, timeoutMs: 15000 }, watch: { minutes: 0 } } } }),
    );
    await vscode.commands.executeCommand('deployAgent.targets.refresh');

    const first = await release.release('local');
    assert.equal(first?.status, 'succeeded', JSON.stringify(first?.error));
    const second = await release.release('local');
    assert.equal(second?.status, 'succeeded', JSON.stringify(second?.error));
    const back = await release.release('local', { mode: 'rollback' });
    assert.equal(back?.status, 'succeeded', JSON.stringify(back?.error));
    assert.equal(back?.release, first!.release);

    const nodes = await release.tree.getChildren();
    const target = nodes.find((n) => n.kind === 'target') as Extract<TargetNode, { kind: 'target' }>;
    assert.ok(target, JSON.stringify(nodes));
    const item = release.tree.getTreeItem(target);
    assert.match(String(item.description), /^1\/1 healthy · \d{4}-\d{2}-\d{2} \d{2}:\d{2} \(\w{8}\) · development$/);
    assert.equal(target.status?.hosts[0]?.current, first!.release);
    assert.equal(item.contextValue, 'deployAgent.target');
  });
});
