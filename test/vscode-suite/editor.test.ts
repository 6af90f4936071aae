// Deploy Agent in the editor, in the VS Code extension host: the code lenses of a file a real
// deployment shipped (head and per hunk; edited since; Restricted Mode), its revert previewed,
// applied and refused, the integration-point lenses of a recommendation file with Exclude /
// Prefer, the Testing view's controller (stored results, a rerun), the recommendation schema on
// its folder, and a pull request through VS Code's GitHub sign-in (a fake authentication provider
// registered here) — declined first, then signed in from the Accounts menu's request.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import type { DeployAgentApi } from '../../src/extension/main';
import type { Editor } from '../../src/extension/editor/editor';
import { FakeGithub } from '../support/fake-github';
import { FakeOllama } from '../support/fake-ollama';
import { RECOMMENDATION, scriptPlantedFailure } from '../integration/pipeline/harness';
import { git } from '../integration/pipeline/repos';
import { fixtureWithLocalOllama } from './fixtures';

/** The lenses VS Code gets for `uri` (the document is opened first: VS Code asks providers only for open documents). */
async function lensesOf(uri: vscode.Uri): Promise<vscode.CodeLens[]> {
  await vscode.workspace.openTextDocument(uri);
  return (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 100)) ?? [];
}
const titles = (lenses: vscode.CodeLens[]) => lenses.map((l) => l.command?.title ?? '');
const ours = (lenses: vscode.CodeLens[]) => lenses.filter((l) => /deployAgent|workbench\.trust/.test(l.command?.command ?? ''));

/** The file as it is on disk now (after git changed it): the editor's copy is reverted to it. */
async function reload(uri: vscode.Uri): Promise<vscode.TextDocument> {
  await vscode.window.showTextDocument(uri);
  await vscode.commands.executeCommand('workbench.action.files.revert');
  return vscode.workspace.openTextDocument(uri);
}

async function until<T>(what: string, read: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 20000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) assert.fail(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}

/** A GitHub authentication provider as the real one behaves for an extension: sessions by scope, created on request. */
class FakeGithubAuthentication implements vscode.AuthenticationProvider {
  private readonly changed = new vscode.EventEmitter<vscode.AuthenticationProviderAuthenticationSessionsChangeEvent>();
  readonly onDidChangeSessions = this.changed.event;
  readonly sessions: vscode.AuthenticationSession[] = [];
  created = 0;
  constructor(private readonly token: string) {}
  async getSessions(scopes?: readonly string[]): Promise<vscode.AuthenticationSession[]> {
    return this.sessions.filter((s) => (scopes ?? []).every((scope) => s.scopes.includes(scope)));
  }
  async createSession(scopes: readonly string[]): Promise<vscode.AuthenticationSession> {
    this.created++;
    const session: vscode.AuthenticationSession = { id: `fake-${this.created}`, accessToken: this.token, account: { id: '583231', label: 'octocat' }, scopes: [...scopes] };
    this.sessions.push(session);
    this.changed.fire({ added: [session], removed: [], changed: [] });
    return session;
  }
  async removeSession(id: string): Promise<void> {
    const index = this.sessions.findIndex((s) => s.id === id);
    if (index < 0) return;
    const [removed] = this.sessions.splice(index, 1);
    this.changed.fire({ added: [], removed: [removed!], changed: [] });
  }
}

describe('Deploy Agent in the editor (extension host)', () => {
  let api: DeployAgentApi;
  let editor: Editor;
  let tmp: string;
  let ollama: FakeOllama;
  let repo: Awaited<ReturnType<typeof fixtureWithLocalOllama>>;
  let recommendation: string;
  let deploymentId = '';
  let branch = '';
  let calc: vscode.Uri;
  let original = '';
  const saved = { token: process.env.GITHUB_TOKEN, gh: process.env.GH_TOKEN, url: process.env.GITHUB_API_URL, repo: process.env.GITHUB_REPOSITORY };

  before(async function () {
    this.timeout(60000);
    api = await vscode.extensions.getExtension<DeployAgentApi>('deploy-agent.deploy-agent')!.activate();
    editor = api.services().editor();
    tmp = mkdtempSync(path.join(os.tmpdir(), 'deploy-agent-vscode-editor-'));
    ollama = new FakeOllama();
    repo = await fixtureWithLocalOllama(tmp, await ollama.listen());
    mkdirSync(path.join(repo.dir, '.deploy-agent', 'recommendations'), { recursive: true });
    recommendation = path.join(repo.dir, '.deploy-agent', 'recommendations', 'add-mul.json');
    writeFileSync(recommendation, `${JSON.stringify(RECOMMENDATION, null, 2)}\n`);
    calc = vscode.Uri.file(path.join(repo.dir, 'src', 'calc.js'));
    original = readFileSync(calc.fsPath, 'utf8');
  });

  after(async () => {
    editor.restrictedForTests = false;
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (const [name, value] of [['GITHUB_TOKEN', saved.token], ['GH_TOKEN', saved.gh], ['GITHUB_API_URL', saved.url], ['GITHUB_REPOSITORY', saved.repo]] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await ollama.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('a file a deployment shipped shows "Generated by Deploy Agent" with Run its tests, Open report, Revert — and a lens on each changed hunk', async function () {
    this.timeout(180000);
    scriptPlantedFailure(ollama, 'node');
    const outcome = await api.services().deployRecommendation({ recommendationFile: recommendation, mode: 'local-commit', workspaceDir: repo.dir });
    assert.equal(outcome?.status, 'succeeded', JSON.stringify(outcome?.error));
    deploymentId = outcome!.id;
    branch = outcome!.branch!;
    // On main the file is as before: the change is on its branch, and the lens says so.
    const onMain = ours(await lensesOf(calc));
    assert.deepEqual(titles(onMain).length, 1, JSON.stringify(titles(onMain)));
    assert.match(titles(onMain)[0]!, new RegExp(`changed this file on branch ${branch.replace(/[/.]/g, '\\$&')} · Add multiplication · not in this checkout`));

    git(repo.dir, 'checkout', '-q', branch);
    const document = await reload(calc);
    assert.match(document.getText(), /function mul/);
    const lenses = ours(await lensesOf(calc));
    const head = lenses.filter((l) => l.range.start.line === 0);
    assert.match(titles(head)[0]!, /^\$\(sparkle\) Generated by Deploy Agent · Add multiplication · /);
    assert.deepEqual(head[0]!.command!.arguments, [deploymentId]);
    assert.equal(head[0]!.command!.command, 'deployAgent.openDeployment', 'it opens the deployment in the panel');
    assert.deepEqual(titles(head).slice(1), ['$(beaker) Run its tests', '$(output) Open report', '$(discard) Revert this change']);
    // One lens pair per hunk, on the first changed line of each.
    const hunks = lenses.filter((l) => l.command?.title.startsWith('$(sparkle) Deploy Agent · +'));
    assert.ok(hunks.length >= 1, JSON.stringify(titles(lenses)));
    const text = document.getText().split('\n');
    const old = original.split('\n');
    for (const hunk of hunks) assert.notEqual(text[hunk.range.start.line], old[hunk.range.start.line], `the hunk lens at line ${hunk.range.start.line + 1} sits on a changed line`);
    assert.equal(lenses.filter((l) => l.command?.title === 'Revert this hunk').length, hunks.length);
    // The generated test file has its own lenses too.
    const testLenses = ours(await lensesOf(vscode.Uri.file(path.join(repo.dir, 'test', 'mul.test.js'))));
    assert.ok(titles(testLenses).includes('$(beaker) Run its tests'));
  });

  it('in Restricted Mode the lenses are read-only and say why', async () => {
    editor.restrictedForTests = true;
    try {
      const head = ours(await lensesOf(calc)).filter((l) => l.range.start.line === 0);
      assert.deepEqual(titles(head).slice(1), ['$(output) Open report', '$(shield) Restricted Mode: running its tests and reverting are off']);
      assert.equal(head[2]!.command!.command, 'workbench.trust.manage');
      assert.ok(!titles(ours(await lensesOf(calc))).includes('Revert this hunk'));
      assert.equal(await vscode.commands.executeCommand('deployAgent.editor.revert', calc, deploymentId), undefined, 'the command refuses too');
    } finally {
      editor.restrictedForTests = false;
    }
  });

  it('edited since: one lens says so, and no hunk lens is left on lines that may have moved', async () => {
    const document = await vscode.workspace.openTextDocument(calc);
    const edit = new vscode.WorkspaceEdit();
    edit.insert(calc, new vscode.Position(0, 0), '// Reviewed by a person.\n');
    assert.ok(await vscode.workspace.applyEdit(edit));
    const lenses = ours(await lensesOf(calc));
    assert.ok(titles(lenses).includes('$(edit) edited since Deploy Agent generated it'), JSON.stringify(titles(lenses)));
    assert.equal(lenses.filter((l) => l.range.start.line > 0).length, 0, 'no hunk lens');
    await document.save();
  });

  it('"Revert this change" previews the file without the change in a diff, applies it (edits elsewhere kept), and refuses clearly when the lines changed', async function () {
    this.timeout(30000);
    // Previewed: a diff editor of the file and the file without the deployment's change; nothing written yet.
    const previewed = await editor.reverts.preview({ uri: calc, deploymentId }, { ask: false });
    assert.deepEqual(previewed, { applied: false, previewed: true });
    const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
    assert.ok(tab?.input instanceof vscode.TabInputTextDiff, `the active tab is ${tab?.label}`);
    assert.equal(tab.input.modified.scheme, 'deploy-agent-preview');
    assert.equal((await vscode.workspace.openTextDocument(tab.input.modified)).getText(), `// Reviewed by a person.\n${original}`);
    assert.match(readFileSync(calc.fsPath, 'utf8'), /function mul/, 'the preview changed nothing');
    // Applied (the diff editor's title button runs this command).
    const applied = await vscode.commands.executeCommand('deployAgent.editor.applyRevert');
    assert.deepEqual(applied, { applied: true, deletedFile: false });
    // Saved through VS Code (the edit stays undoable): on disk once the save has gone through.
    await until('the reverted file on disk', () => readFileSync(calc.fsPath, 'utf8') === `// Reviewed by a person.\n${original}`);

    // Back to the branch, then an edit where the change is: the revert no longer applies and says which hunk.
    git(repo.dir, 'checkout', '-q', '--', 'src/calc.js');
    const document = await reload(calc);
    assert.match(document.getText(), /function mul/);
    const edit = new vscode.WorkspaceEdit();
    const line = document.getText().split('\n').findIndex((l) => l.includes('return a * b'));
    edit.replace(calc, new vscode.Range(line, 0, line, document.lineAt(line).text.length), '  return b * a; // commuted');
    assert.ok(await vscode.workspace.applyEdit(edit));
    await document.save();
    const refused = await editor.reverts.apply({ uri: calc, deploymentId });
    assert.equal(refused.applied, false);
    assert.match((refused as { reason: string }).reason, /hunk \d+ \(shipped at line \d+\) are no longer as the deployment left them/);
    assert.match(readFileSync(calc.fsPath, 'utf8'), /return b \* a; \/\/ commuted/, 'the file was left as it was');
    git(repo.dir, 'checkout', '-q', '--', 'src/calc.js');
    assert.doesNotMatch((await reload(calc)).getText(), /commuted/);
  });

  it('the Testing view lists the deployment’s generated tests with their recorded results; Run reruns them in the working tree', async function () {
    this.timeout(120000);
    const testing = editor.testing();
    await testing.resolve(undefined);
    const item = await until('the deployment in the Testing view', () => testing.controller.items.get(deploymentId));
    assert.equal(item.label, 'Add multiplication');
    assert.match(item.description ?? '', /shipped \(runs in this working tree\)/);
    await testing.resolve(item);
    const file = item.children.get(`${deploymentId}/test/mul.test.js`);
    assert.ok(file, `children: ${[...item.children].map(([id]) => id).join(', ')}`);
    const names = [...file.children].map(([, t]) => t.label).sort();
    assert.deepEqual(names, ['mul(-1, 4) returns -4', 'mul(2, 3) returns 6']);
    const stored = testing.reported.get(`${deploymentId}/test/mul.test.js/mul(2, 3) returns 6`);
    assert.equal(stored?.status, 'passed', 'the recorded run is shown');

    // A failing edit, then Run: the failure is reported at the line of its assertion.
    const testFile = path.join(repo.dir, 'test', 'mul.test.js');
    const original = readFileSync(testFile, 'utf8');
    writeFileSync(testFile, original.replace('assert.equal(mul(-1, 4), -4)', 'assert.equal(mul(-1, 4), 4)'));
    try {
      const source = new vscode.CancellationTokenSource();
      const [result] = await testing.run(new vscode.TestRunRequest([item]), source.token);
      assert.deepEqual([result?.where, result?.passed, result?.failed, result?.error], ['workspace', 1, 1, undefined]);
      const failed = testing.reported.get(`${deploymentId}/test/mul.test.js/mul(-1, 4) returns -4`);
      assert.equal(failed?.status, 'failed');
      assert.equal(failed?.file, testFile);
      assert.equal(original.split('\n')[failed!.line! - 1]?.trim(), 'assert.equal(mul(-1, 4), -4);', 'the failure points at the line of the failing assertion');
      assert.match(failed?.message ?? '', /4/);
    } finally {
      writeFileSync(testFile, original);
    }
    // "Run its tests" (the lens) runs the same and reports them passing again.
    const again = await vscode.commands.executeCommand<{ passed: number; failed: number }>('deployAgent.editor.runTests', deploymentId, calc);
    assert.deepEqual([again?.passed, again?.failed], [2, 0]);
  });

  it('a deployment waiting for review is listed too, and Run tests it again in its sandbox', async function () {
    this.timeout(180000);
    git(repo.dir, 'checkout', '-q', 'main');
    await reload(calc);
    scriptPlantedFailure(ollama, 'node');
    const outcome = await api.services().deployRecommendation({ recommendationFile: recommendation, mode: 'review', workspaceDir: repo.dir });
    assert.equal(outcome?.status, 'awaiting-review', JSON.stringify(outcome?.error));
    const testing = editor.testing();
    await testing.refresh();
    const item = await until('the review in the Testing view', () => testing.controller.items.get(outcome!.id));
    assert.match(item.description ?? '', /awaiting review \(runs in its sandbox\)/);
    const source = new vscode.CancellationTokenSource();
    const [result] = await testing.run(new vscode.TestRunRequest([item]), source.token);
    assert.deepEqual([result?.where, result?.failed], ['sandbox', 0]);
    assert.ok((result?.passed ?? 0) >= 2);
    const reported = testing.reported.get(`${outcome!.id}/test/mul.test.js/mul(2, 3) returns 6`);
    assert.equal(reported?.status, 'passed');
    assert.match(reported?.file ?? '', /deploy-agent-worktrees/, 'the sandbox’s file');
  });

  it('a recommendation file offers "Preview integration points"; the ranked files then show where it would integrate, with Exclude and Prefer stored for the next deployment', async function () {
    this.timeout(60000);
    const recUri = vscode.Uri.file(recommendation);
    await vscode.window.showTextDocument(recUri);
    assert.deepEqual(titles(ours(await lensesOf(recUri))), ['$(search) Preview integration points']);
    const chats = ollama.chats.length;
    const shown = await vscode.commands.executeCommand<{ points: { path: string }[] }>('deployAgent.previewIntegrationPoints', recUri, true);
    assert.ok(shown?.points.some((p) => p.path === 'src/calc.js'), JSON.stringify(shown?.points));
    assert.equal(ollama.chats.length, chats, 'no model was called');
    assert.match(titles(ours(await lensesOf(recUri)))[0]!, /^\$\(target\) \d+ integration points?$/);

    const calcLenses = ours(await lensesOf(calc));
    const here = calcLenses.find((l) => l.command?.title.startsWith('$(target) Deploy Agent would integrate here · '));
    assert.ok(here, JSON.stringify(titles(calcLenses)));
    const exclude = calcLenses.find((l) => l.command?.title === 'Exclude')!;
    const prefer = calcLenses.find((l) => l.command?.title === 'Prefer')!;
    assert.deepEqual(exclude.command!.arguments, [recommendation, 'src/calc.js', 'exclude']);
    assert.equal(prefer.range.start.line, here.range.start.line);
    await vscode.commands.executeCommand(exclude.command!.command, ...exclude.command!.arguments!);
    const afterExclude = titles(ours(await lensesOf(calc)));
    assert.ok(afterExclude.some((t) => t === '$(circle-slash) Excluded from “Add multiplication”'), JSON.stringify(afterExclude));
    assert.ok(afterExclude.includes('Include again'));
    assert.match(titles(ours(await lensesOf(recUri)))[0]!, /· 1 excluded$/);

    // The next deployment of this recommendation is told.
    scriptPlantedFailure(ollama, 'node');
    const outcome = await api.services().deployRecommendation({ recommendationFile: recommendation, mode: 'dry-run', workspaceDir: repo.dir });
    assert.equal(outcome?.status, 'succeeded', JSON.stringify(outcome?.error));
    const implement = JSON.stringify(ollama.chats.filter((c) => c.phase === 'implement').at(-1)?.body ?? {});
    assert.match(implement, /do not change them unless nothing else can work: src\/calc\.js\./);
    // Include again, then Hide.
    const include = ours(await lensesOf(calc)).find((l) => l.command?.title === 'Include again')!;
    await vscode.commands.executeCommand(include.command!.command, ...include.command!.arguments!);
    await vscode.commands.executeCommand('deployAgent.editor.clearIntegrationPoints');
    assert.deepEqual(titles(ours(await lensesOf(recUri))), ['$(search) Preview integration points']);
  });

  it('a recommendation file gets the schema’s errors and completions from VS Code’s JSON language service', async function () {
    this.timeout(60000);
    const file = path.join(repo.dir, '.deploy-agent', 'recommendations', 'typo.json');
    writeFileSync(file, '{\n  "title": "Typo",\n  "description": "A field the schema does not know.",\n  "categroy": "feature",\n  \n}\n');
    const uri = vscode.Uri.file(file);
    await vscode.window.showTextDocument(uri);
    const problems = await until('a schema diagnostic', () => {
      const found = vscode.languages.getDiagnostics(uri).filter((d) => /categroy/.test(d.message) || /not allowed/i.test(d.message));
      return found.length ? found : undefined;
    }, 30000);
    assert.equal(problems[0]!.range.start.line, 3, problems.map((d) => `${d.range.start.line}: ${d.message}`).join('; '));
    const completions = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', uri, new vscode.Position(4, 2));
    const labels = completions.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label).replace(/"/g, ''));
    for (const known of ['category', 'acceptanceCriteria', 'targetFiles']) assert.ok(labels.includes(known), `${known} not offered: ${labels.join(', ')}`);
    rmSync(file);
  });

  it('a pull request from VS Code asks for GitHub only when the push is about to happen: declined, nothing is pushed; signed in, the session’s token opens it', async function () {
    this.timeout(240000);
    const github = new FakeGithub({ autoCreateRepos: true });
    const auth = new FakeGithubAuthentication(github.token);
    let registration: vscode.Disposable | undefined;
    try {
      process.env.GITHUB_API_URL = await github.listen();
      process.env.GITHUB_REPOSITORY = 'acme/calc';
      delete process.env.GITHUB_TOKEN;
      delete process.env.GH_TOKEN;
      registration = vscode.authentication.registerAuthenticationProvider('github', 'GitHub (test)', auth, { supportsMultipleAccounts: false });
      git(repo.dir, 'checkout', '-q', 'main');
      scriptPlantedFailure(ollama, 'node');
      const declined = await api.services().deployRecommendation({ recommendationFile: recommendation, mode: 'full-pr', workspaceDir: repo.dir });
      // VS Code asked (its consent dialog, refused here as the user's Cancel): nothing was pushed.
      assert.equal(declined?.status, 'failed');
      assert.equal(declined?.error?.code, 'GITHUB_SIGN_IN_DECLINED', JSON.stringify(declined?.error));
      assert.match(declined!.error!.message, /Nothing was pushed: the pull request needs GitHub/);
      assert.match(declined!.error!.hint ?? '', /commit is kept on its branch/);
      assert.ok(declined?.commit, 'the commit was made before the push was about to happen');
      assert.equal(git(repo.dir, 'ls-remote', '--heads', 'origin', declined!.branch!), '', 'nothing reached origin');
      assert.equal(github.repo('acme/calc').pulls.length, 0);
      assert.equal(auth.created, 0);

      // Signing in from the Accounts menu: the extension's request there creates the session and allows it.
      assert.equal(await vscode.authentication.getSession('github', ['repo']), undefined);
      const request = await until('the Accounts menu’s sign-in request', async () => (await vscode.commands.getCommands(true)).find((c) => /^github:deploy-agent\.deploy-agent:signIn\d+$/.test(c)));
      await vscode.commands.executeCommand(request);
      assert.equal(auth.created, 1);

      // Pushed again (the push step retried): the session's token opens the pull request.
      const resumed = (await vscode.commands.executeCommand('deployAgent.sidebar.resume', declined!.id)) as { status: string; prUrl?: string; error?: unknown };
      assert.equal(resumed?.status, 'succeeded', JSON.stringify(resumed?.error));
      const pulls = github.repo('acme/calc').pulls;
      assert.equal(pulls.length, 1, 'the fake GitHub took the session’s token');
      assert.equal(resumed.prUrl, pulls[0]!.html_url);
      assert.notEqual(git(repo.dir, 'ls-remote', '--heads', 'origin', declined!.branch!), '');
    } finally {
      for (const s of [...auth.sessions]) await auth.removeSession(s.id);
      registration?.dispose();
      await github.close();
    }
  });
});
