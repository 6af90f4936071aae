// The sandbox as VS Code shows it around the panel (newcomer findings 4 and 7): the sandbox
// worktree never becomes a second repository in Source Control (its Commit box would commit past
// the review), a diff tab does not outlive the sandbox after "Create branch & commit", and a
// push from a repository without a remote says so instead of asking for a GitHub sign-in.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import type { DeployAgentApi } from '../../src/extension/main';
import type { DeploymentPanel } from '../../src/extension/panel/panel';
import type { HostToPanel, PanelToHost } from '../../src/protocol/panel';
import { FakeOllama } from '../support/fake-ollama';
import { RECOMMENDATION, scriptPlantedFailure } from '../integration/pipeline/harness';
import { git } from '../integration/pipeline/repos';
import { fixtureWithLocalOllama } from './fixtures';

interface GitApi {
  repositories: { rootUri: vscode.Uri }[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the sandbox in the editor around the panel', () => {
  let api: DeployAgentApi;
  let tmp: string;
  let ollama: FakeOllama;
  let repo: Awaited<ReturnType<typeof fixtureWithLocalOllama>>;
  let recommendation: string;
  let panel: DeploymentPanel;
  let deploymentId = '';
  let worktree = '';
  const seen: HostToPanel[] = [];
  const send = (message: PanelToHost) => panel.receive(message);
  const next = <T extends HostToPanel['type']>(type: T, test: (m: Extract<HostToPanel, { type: T }>) => boolean = () => true, timeoutMs = 60000) =>
    new Promise<Extract<HostToPanel, { type: T }>>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no "${type}" within ${timeoutMs} ms`)), timeoutMs);
      const sub = panel.onDidPost((m) => {
        if (m.type === type && test(m as Extract<HostToPanel, { type: T }>)) {
          clearTimeout(timer);
          sub.dispose();
          resolve(m as Extract<HostToPanel, { type: T }>);
        }
      });
    });
  const gitApi = async (): Promise<GitApi> => {
    const extension = vscode.extensions.getExtension<{ getAPI(v: 1): GitApi }>('vscode.git')!;
    return (extension.isActive ? extension.exports : await extension.activate()).getAPI(1);
  };

  before(async function () {
    this.timeout(60000);
    api = await vscode.extensions.getExtension<DeployAgentApi>('deploy-agent.deploy-agent')!.activate();
    api.services().panel().current()?.dispose();
    tmp = mkdtempSync(path.join(os.tmpdir(), 'deploy-agent-vscode-sandbox-'));
    ollama = new FakeOllama();
    repo = await fixtureWithLocalOllama(tmp, await ollama.listen());
    // No remote at all: a push has nowhere to go.
    git(repo.dir, 'remote', 'remove', 'origin');
    mkdirSync(path.join(repo.dir, '.deploy-agent', 'recommendations'), { recursive: true });
    recommendation = path.join(repo.dir, '.deploy-agent', 'recommendations', 'add-mul.json');
    writeFileSync(recommendation, JSON.stringify(RECOMMENDATION, null, 2));
    panel = api.services().panel().open({ workspaceDir: repo.dir, file: recommendation });
    panel.onDidPost((m) => void seen.push(m));
  });

  after(async () => {
    await vscode.workspace.getConfiguration('git').update('openRepositoryInParentFolders', undefined, vscode.ConfigurationTarget.Global);
    api.services().panel().current()?.dispose();
    await ollama.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('deploys in review mode; the diff of a changed file opens on the sandbox file', async function () {
    this.timeout(180000);
    scriptPlantedFailure(ollama, 'node');
    const started = next('deployment');
    const review = next('review', () => true, 170000);
    await send({ type: 'deploy', file: recommendation, choice: { excludedIntegrationPoints: [], addedFiles: [] } });
    deploymentId = (await started).header.id;
    worktree = (await review).data.worktree ?? '';
    assert.match(worktree, /deploy-agent-worktrees/);
    await send({ type: 'openDiff', deploymentId, path: 'src/calc.js' });
    const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
    assert.ok(tab?.input instanceof vscode.TabInputTextDiff && tab.input.modified.fsPath.startsWith(worktree), `the active tab is ${tab?.label}`);
  });

  it('the sandbox worktree is no repository in Source Control, even with its file open in an editor', async function () {
    this.timeout(30000);
    const git = await gitApi();
    // As when the repository is the workspace folder: the git extension opens it, and with it its worktrees
    // (git.detectWorktrees). Here the repository lies outside the test window's folder, which the git
    // extension only opens with openRepositoryInParentFolders "always" (put back after this file).
    await vscode.workspace.getConfiguration('git').update('openRepositoryInParentFolders', 'always', vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('git.openRepository', repo.dir);
    for (let waited = 0; waited < 6000 && !git.repositories.some((r) => r.rootUri.fsPath === repo.dir); waited += 250) await sleep(250);
    assert.ok(git.repositories.some((r) => r.rootUri.fsPath === repo.dir), 'the git extension opened the repository');
    // Worktree detection follows the repository's opening within a moment; give it the time it needs, then look.
    await sleep(5000);
    const roots = git.repositories.map((r) => r.rootUri.fsPath);
    assert.ok(!roots.some((r) => r.startsWith(worktree) || worktree.startsWith(r + path.sep) || r === worktree), `Source Control shows ${JSON.stringify(roots)}`);
  });

  it('"Push & open pull request" without a remote says there is no remote (with Add Remote…), not "sign in to GitHub"', async function () {
    this.timeout(120000);
    const committed = next('review', (m) => Boolean(m.data.commit), 110000);
    await send({ type: 'ship', deploymentId, action: 'commit' });
    await committed;
    const done = next('shipping', (m) => !m.running);
    await send({ type: 'ship', deploymentId, action: 'pull-request' });
    const { problem } = await done;
    assert.equal(problem?.code, 'NO_REMOTE', JSON.stringify(problem));
    assert.ok(problem?.actions.some((a) => a.id === 'addRemote' && a.argument === repo.dir), JSON.stringify(problem?.actions));
    assert.doesNotMatch(`${problem?.message} ${problem?.hint}`, /sign in|GITHUB_TOKEN/i);
  });

  it('after "Create branch & commit" no tab points into the removed sandbox; the diff shows the branch instead', async function () {
    this.timeout(30000);
    const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs);
    const intoSandbox = tabs.filter((t) => (t.input instanceof vscode.TabInputTextDiff && t.input.modified.fsPath.startsWith(worktree)) || (t.input instanceof vscode.TabInputText && t.input.uri.fsPath.startsWith(worktree)));
    assert.deepEqual(intoSandbox.map((t) => t.label), []);
    const reopened = tabs.find((t) => t.input instanceof vscode.TabInputTextDiff && t.input.modified.path.endsWith('src/calc.js'));
    assert.ok(reopened && reopened.input instanceof vscode.TabInputTextDiff && reopened.input.modified.scheme !== 'file', `tabs: ${tabs.map((t) => t.label).join(', ')}`);
    const right = await vscode.workspace.openTextDocument((reopened.input as vscode.TabInputTextDiff).modified);
    assert.match(right.getText(), /function mul/, 'the right side is the committed file on the branch');
  });
});

describe('a folder that is no git repository, in the panel', () => {
  let api: DeployAgentApi;
  let tmp: string;

  before(async () => {
    api = await vscode.extensions.getExtension<DeployAgentApi>('deploy-agent.deploy-agent')!.activate();
    api.services().panel().current()?.dispose();
    tmp = mkdtempSync(path.join(os.tmpdir(), 'deploy-agent-vscode-nogit-'));
    mkdirSync(path.join(tmp, '.deploy-agent', 'recommendations'), { recursive: true });
    writeFileSync(path.join(tmp, '.deploy-agent', 'recommendations', 'greet.json'), JSON.stringify({ title: 'Add a greeting', description: 'Print hello.' }));
  });
  after(() => {
    api.services().panel().current()?.dispose();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('says so above the list, before any Deploy…, with Initialize Repository (finding 10)', async function () {
    this.timeout(30000);
    const panel = api.services().panel().open({ workspaceDir: tmp });
    const list = new Promise<Extract<HostToPanel, { type: 'recommendations' }>>((resolve) => {
      const sub = panel.onDidPost((m) => {
        if (m.type === 'recommendations') {
          sub.dispose();
          resolve(m);
        }
      });
    });
    await panel.receive({ type: 'refresh' });
    const { data } = await list;
    assert.equal(data.problem?.code, 'NOT_A_GIT_REPO', JSON.stringify(data.problem));
    assert.equal(data.problem?.actions[0]?.id, 'initRepository');
    assert.doesNotMatch(data.problem?.hint ?? '', /--workspace/);
  });
});
