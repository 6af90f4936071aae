// The deployment panel's host side in the VS Code extension host: the panel driven with the
// messages its webview sends (protocol/panel.ts), read through the messages it posts back, against
// a real git repository, the fake Ollama and the fake GitHub (real clients), the real pipeline.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import type { DeployAgentApi } from '../../src/extension/main';
import type { DeploymentPanel } from '../../src/extension/panel/panel';
import { PANEL_VIEW_TYPE, type HostToPanel, type PanelToHost } from '../../src/protocol/panel';
import { FakeGithub } from '../support/fake-github';
import { FakeOllama } from '../support/fake-ollama';
import { RECOMMENDATION, scriptPlantedFailure, userState } from '../integration/pipeline/harness';
import { git } from '../integration/pipeline/repos';
import { fixtureWithLocalOllama } from './fixtures';

type Message<T extends HostToPanel['type']> = Extract<HostToPanel, { type: T }>;

/** Everything a panel posts, and a way to wait for one message. */
function listen(panel: DeploymentPanel) {
  const seen: HostToPanel[] = [];
  const waiters: { test: (m: HostToPanel) => boolean; resolve: (m: HostToPanel) => void }[] = [];
  panel.onDidPost((message) => {
    seen.push(message);
    for (const w of waiters.splice(0)) {
      if (w.test(message)) w.resolve(message);
      else waiters.push(w);
    }
  });
  return {
    seen,
    /** The next message of `type` (after now) for which `test` holds. */
    next<T extends HostToPanel['type']>(type: T, test: (m: Message<T>) => boolean = () => true, timeoutMs = 60000): Promise<Message<T>> {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no "${type}" message within ${timeoutMs} ms; posted: ${seen.map((m) => m.type).join(', ')}`)), timeoutMs);
        waiters.push({ test: (m) => m.type === type && test(m as Message<T>), resolve: (m) => (clearTimeout(timer), resolve(m as Message<T>)) });
      });
    },
  };
}

describe('the deployment panel in the VS Code extension host', () => {
  let api: DeployAgentApi;
  let tmp: string;
  let ollama: FakeOllama;
  let github: FakeGithub;
  let repo: Awaited<ReturnType<typeof fixtureWithLocalOllama>>;
  let recommendation: string;
  const saved = { token: process.env.GITHUB_TOKEN, gh: process.env.GH_TOKEN, url: process.env.GITHUB_API_URL, repo: process.env.GITHUB_REPOSITORY };

  before(async function () {
    this.timeout(60000);
    api = await vscode.extensions.getExtension<DeployAgentApi>('deploy-agent.deploy-agent')!.activate();
    tmp = mkdtempSync(path.join(os.tmpdir(), 'deploy-agent-vscode-panel-'));
    ollama = new FakeOllama();
    github = new FakeGithub({ autoCreateRepos: true });
    repo = await fixtureWithLocalOllama(tmp, await ollama.listen());
    process.env.GITHUB_API_URL = await github.listen();
    process.env.GITHUB_REPOSITORY = 'acme/calc';
    delete process.env.GITHUB_TOKEN;
    delete process.env.GH_TOKEN;
    // The workspace's recommendations: one to deploy, one the schema refuses.
    mkdirSync(path.join(repo.dir, '.deploy-agent', 'recommendations'), { recursive: true });
    recommendation = path.join(repo.dir, '.deploy-agent', 'recommendations', 'add-mul.json');
    writeFileSync(recommendation, JSON.stringify(RECOMMENDATION, null, 2));
    writeFileSync(path.join(repo.dir, 'broken.recommendation.json'), JSON.stringify({ title: 'No description' }));
  });

  after(async () => {
    api.services().panel().current()?.dispose();
    for (const [name, value] of [['GITHUB_TOKEN', saved.token], ['GH_TOKEN', saved.gh], ['GITHUB_API_URL', saved.url], ['GITHUB_REPOSITORY', saved.repo]] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await github.close();
    await ollama.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  let panel: DeploymentPanel;
  let posts: ReturnType<typeof listen>;
  let deploymentId = '';
  let treeBefore: string;
  const send = (message: PanelToHost) => panel.receive(message);

  it('"Deploy Recommendation" opens the panel, which lists the workspace’s recommendations and the file the schema refuses', async function () {
    this.timeout(30000);
    panel = api.services().panel().open({ workspaceDir: repo.dir, file: recommendation });
    posts = listen(panel);
    // The tab model follows the new panel a moment later.
    const panelTab = () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith(PANEL_VIEW_TYPE));
    for (let waited = 0; !panelTab() && waited < 5000; waited += 100) await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(panelTab()?.label, 'Deploy Agent', `open tabs: ${vscode.window.tabGroups.all.flatMap((g) => g.tabs.map((t) => `${t.label} (${(t.input as { viewType?: string })?.viewType ?? ''})`)).join(', ')}`);
    const list = posts.next('recommendations');
    await send({ type: 'refresh' });
    const { data } = await list;
    assert.deepEqual(
      data.items.map((i) => [i.relativePath, i.title ?? null, Boolean(i.problem)]),
      [
        ['.deploy-agent/recommendations/add-mul.json', 'Add multiplication', false],
        ['broken.recommendation.json', null, true],
      ],
    );
    assert.match(data.items[1]!.problem!.problems.join(' '), /"description" is required/);
    assert.deepEqual(data.categories.slice(0, 3), ['feature', 'refactor', 'test']);
  });

  it('checks a new recommendation against the schema as it is typed, and saves it as a file', async () => {
    const problems = posts.next('draftProblems');
    await send({ type: 'validateDraft', draft: { title: 'Divide', description: '', category: 'magic', acceptanceCriteria: ['div(6, 3) returns 2'], targetFiles: [] } });
    const fields = (await problems).problems.map((p) => p.field).sort();
    assert.deepEqual(fields, ['category', 'description']);
    const saved = posts.next('saved');
    const badPriority = posts.next('draftProblems');
    await send({ type: 'validateDraft', draft: { title: 'Divide', description: 'Add div(a, b).', category: 'feature', priority: 'urgent', acceptanceCriteria: ['div(6, 3) returns 2'], targetFiles: [] } });
    assert.deepEqual((await badPriority).problems.map((p) => p.field), ['priority']);
    await send({ type: 'saveDraft', draft: { title: 'Divide', description: 'Add div(a, b).', category: 'feature', priority: 'high', acceptanceCriteria: ['div(6, 3) returns 2'], targetFiles: [] } });
    const { file } = await saved;
    assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), { title: 'Divide', description: 'Add div(a, b).', category: 'feature', priority: 'high', acceptanceCriteria: ['div(6, 3) returns 2'] });
    rmSync(file);
  });

  it('previews the deployment without calling the model: strategy with its reasons, environment, ranked integration points', async function () {
    this.timeout(60000);
    const preview = posts.next('preview');
    await send({ type: 'preview', file: recommendation });
    const { data } = await preview;
    assert.ok(['conservative', 'balanced', 'aggressive'].includes(data.strategy.chosen), data.strategy.chosen);
    assert.ok(data.strategy.reasons.length > 0);
    assert.ok(data.environment.name);
    assert.ok(data.integrationPoints.some((p) => p.path === 'src/calc.js'), JSON.stringify(data.integrationPoints));
    assert.equal(ollama.chats.length, 0, 'the preview called no model');
  });

  it('Deploy runs in review mode with the user’s choice in the prompts, follows it live, and shows its review', async function () {
    this.timeout(180000);
    scriptPlantedFailure(ollama, 'node');
    treeBefore = userState(repo.dir).digest;
    const started = posts.next('deployment');
    const review = posts.next('review', () => true, 170000);
    await send({ type: 'deploy', file: recommendation, choice: { excludedIntegrationPoints: [], addedFiles: ['README.md'] } });
    const { header, live } = await started;
    deploymentId = header.id;
    assert.equal(live, true);
    assert.equal(header.mode, 'review');
    const { data } = await review;
    assert.equal(data.status, 'awaiting-review');
    assert.deepEqual(data.files.map((f) => f.path).sort(), ['src/calc.js', 'test/mul.test.js']);
    assert.equal(data.counts.failed, 0);
    assert.ok(data.counts.passed >= 2, JSON.stringify(data.counts));
    assert.ok(data.tests.some((t) => t.path === 'test/mul.test.js'), JSON.stringify(data.tests));
    assert.ok(data.requirements.some((r) => r.requirement === 'mul(2, 3) returns 6'), JSON.stringify(data.requirements));
    // Live: the tool calls, the repair round, the model calls were forwarded as they happened.
    const events = posts.seen.filter((m): m is Message<'event'> => m.type === 'event').map((m) => m.event);
    assert.ok(events.some((e) => e.type === 'agent.tool' && e.name === 'write_file' && e.path === 'src/calc.js'));
    assert.ok(events.some((e) => e.type === 'repair.round' && /5/.test(e.failingOutput)));
    assert.ok(events.some((e) => e.type === 'agent.call' && e.phase === 'fix'));
    // The file the user added went into the prompt.
    const implement = ollama.chats.find((c) => c.phase === 'implement');
    assert.match(JSON.stringify(implement?.body ?? {}), /The user chose these files as places the change belongs; look at them first: README\.md\./);
    assert.equal(userState(repo.dir).digest, treeBefore, 'the working tree is untouched');
  });

  it('"Open diff" opens a diff editor: the base commit on the left, the sandbox file (editable) on the right', async function () {
    this.timeout(30000);
    await send({ type: 'openDiff', deploymentId, path: 'src/calc.js' });
    const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
    assert.ok(tab?.input instanceof vscode.TabInputTextDiff, `the active tab is ${tab?.label}`);
    const { original, modified } = tab.input;
    assert.equal(modified.scheme, 'file');
    assert.match(modified.fsPath, /deploy-agent-worktrees/);
    assert.match(readFileSync(modified.fsPath, 'utf8'), /function mul/);
    const left = await vscode.workspace.openTextDocument(original);
    assert.equal(left.getText(), execFileSync('git', ['show', 'HEAD:src/calc.js'], { cwd: repo.dir, encoding: 'utf8' }));
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('after a window reload the serializer brings the panel back with the same deployment and its review', async function () {
    this.timeout(30000);
    const restored = vscode.window.createWebviewPanel(PANEL_VIEW_TYPE, 'Deploy Agent', vscode.ViewColumn.Active, { enableScripts: true });
    api.services().panel().restore(restored, { view: 'deployment', deploymentId });
    panel = api.services().panel().current()!;
    posts = listen(panel);
    const shown = posts.next('deployment');
    const review = posts.next('review');
    await send({ type: 'ready', state: { view: 'deployment', deploymentId } });
    assert.equal((await shown).header.id, deploymentId);
    assert.equal((await review).data.status, 'awaiting-review');
  });

  it('without a GitHub sign-in, "Push & open pull request" is refused in the panel with "Sign in to GitHub", and nothing is pushed', async function () {
    this.timeout(30000);
    const done = posts.next('shipping', (m) => !m.running);
    await send({ type: 'ship', deploymentId, action: 'pull-request' });
    const { problem } = await done;
    assert.equal(problem?.code, 'GITHUB_SIGN_IN_REQUIRED');
    assert.ok(problem?.actions.some((a) => a.id === 'signInGitHub'));
    assert.equal(git(repo.dir, 'ls-remote', '--heads', 'origin', 'deploy-agent/*'), '');
  });

  it('"Create branch & commit" makes the branch with one commit; the working tree stays as it was', async function () {
    this.timeout(120000);
    const done = posts.next('shipping', (m) => !m.running, 110000);
    const review = posts.next('review', (m) => Boolean(m.data.commit), 110000);
    await send({ type: 'ship', deploymentId, action: 'commit' });
    assert.equal((await done).problem, undefined);
    const { data } = await review;
    assert.equal(git(repo.dir, 'rev-list', '--count', `main..${data.commit!.branch}`), '1');
    assert.equal(userState(repo.dir).digest, treeBefore, 'the working tree, index and main are as they were');
  });

  it('"Push & open pull request" pushes the branch and opens the pull request on GitHub; the panel shows its link', async function () {
    this.timeout(120000);
    process.env.GH_TOKEN = github.token;
    const review = posts.next('review', (m) => Boolean(m.data.pullRequest), 110000);
    await send({ type: 'ship', deploymentId, action: 'pull-request' });
    const { data } = await review;
    const pulls = github.repo('acme/calc').pulls;
    assert.equal(pulls.length, 1);
    assert.equal(data.pullRequest!.url, pulls[0]!.html_url);
    assert.notEqual(git(repo.dir, 'ls-remote', '--heads', 'origin', pulls[0]!.head), '');
    assert.equal(userState(repo.dir).digest, treeBefore);
  });

  it('Cancel stops a running deployment: its sandbox and branch are removed, the working tree is as it was', async function () {
    this.timeout(90000);
    const branches = git(repo.dir, 'branch', '--list');
    // The model takes its time over the implementation: long enough to press Cancel.
    ollama.fail({ kind: 'delay', ms: 20000 }, 'implement');
    const started = posts.next('deployment', (m) => m.header.id !== deploymentId);
    const running = posts.next('event', (m) => m.event.type === 'step.started' && m.event.step === 'implement');
    const finished = posts.next('event', (m) => m.event.type === 'deployment.finished', 80000);
    await send({ type: 'deploy', file: recommendation, choice: { excludedIntegrationPoints: [], addedFiles: [] } });
    const { header } = await started;
    await running;
    await send({ type: 'cancel', deploymentId: header.id });
    const { event } = await finished;
    assert.equal(event.type === 'deployment.finished' && event.status, 'cancelled');
    assert.equal(git(repo.dir, 'branch', '--list'), branches, 'the cancelled deployment left no branch');
    assert.ok(!git(repo.dir, 'worktree', 'list').includes(header.id), 'its worktree is gone');
    assert.equal(userState(repo.dir).digest, treeBefore);
  });

  it('a model provider that is down is shown as a problem with "Check Model Providers", and nothing is written', async function () {
    this.timeout(60000);
    await ollama.close();
    const branches = git(repo.dir, 'branch', '--list');
    const problem = posts.next('problem', (m) => m.problem.code === 'NO_MODEL_AVAILABLE');
    await send({ type: 'deploy', file: recommendation, choice: { excludedIntegrationPoints: [], addedFiles: [] } });
    const { problem: shown } = await problem;
    assert.ok(shown.actions.some((a) => a.id === 'checkProviders'), JSON.stringify(shown.actions));
    assert.equal(userState(repo.dir).digest, treeBefore);
    assert.equal(git(repo.dir, 'branch', '--list'), branches);
  });

  it('"Deploy Recommendation" on a panel restored with a deployment shows the list, even when the webview says ready only after the command', async function () {
    this.timeout(30000);
    // After a window reload the serializer restores the panel on a deployment; the user runs the
    // command before the restored webview has loaded, and its `ready` then carries the old view.
    const restored = vscode.window.createWebviewPanel(PANEL_VIEW_TYPE, 'Deploy Agent', vscode.ViewColumn.Active, { enableScripts: true });
    api.services().panel().restore(restored, { view: 'deployment', deploymentId });
    panel = api.services().panel().open({ workspaceDir: repo.dir, commandAt: performance.now() });
    posts = listen(panel);
    const list = posts.next('recommendations', (m) => m.show === true);
    await send({ type: 'ready', state: { view: 'deployment', deploymentId } });
    assert.equal((await list).data.items.length >= 1, true);
    // Whatever else arrives (the restored webview's own `ready`), the deployment is not shown over the list.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const shown = posts.seen.filter((m) => m.type === 'deployment' || m.type === 'review' || m.type === 'problem').map((m) => m.type);
    assert.deepEqual(shown, [], `posted after the command: ${posts.seen.map((m) => m.type).join(', ')}`);
    assert.equal(panel.shown, undefined);
  });
});
