// The Deploy Agent sidebar in the VS Code extension host: a known history is seeded into the
// extension's own database through core's recording functions (test/support/seed-history.ts);
// the trees' items, the Analytics view's data message (equal to `deploy-agent analytics --json`
// for the same window), Open Report, and the refresh after a deployment ends are checked through
// the real `vscode` API.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import type { Recommendations, RollbackScenarios } from '../../src/core/learning';
import type { DeployAgentApi } from '../../src/extension/main';
import type { ExtensionServices } from '../../src/extension/services';
import type { AnalyticsData, HostToAnalytics } from '../../src/protocol/analytics';
import { RECOMMENDATION, scriptPlantedFailure } from '../integration/pipeline/harness';
import { FakeGithub } from '../support/fake-github';
import { FakeOllama } from '../support/fake-ollama';
import type { SeededHistory } from '../support/seed-history';
import { fixtureWithLocalOllama } from './fixtures';
import { extras } from './results';

const EXTENSION_ID = 'deploy-agent.deploy-agent';

async function until<T>(what: string, read: () => T | undefined | Promise<T | undefined>, timeoutMs = 20000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) assert.fail(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * The database is only ever opened by the extension in this process: a second better-sqlite3 (the
 * suite's own copy) on the same file would share neither SQLite's locks nor its WAL index with the
 * extension's, and its close can leave the extension reading an old snapshot. Whatever a test writes
 * or reads besides the extension goes through another process: the built CLI, or the seeding script.
 */
function cli<T>(extensionPath: string, dbPath: string, args: string[]): T {
  const out = execFileSync(process.execPath, [path.join(extensionPath, 'dist', 'cli', 'cli.mjs'), '--db', dbPath, ...args, '--json'], { encoding: 'utf8', env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } });
  return JSON.parse(out) as T;
}

const cliAnalytics = (extensionPath: string, dbPath: string, args: string[]) => cli<AnalyticsData>(extensionPath, dbPath, ['analytics', ...args]);

/** test/support/seed-history-cli.ts in its own process (tsx from the repository's node_modules). */
function seedCli<T>(extensionPath: string, args: string[]): T {
  const out = execFileSync(process.execPath, ['--import', 'tsx', path.join(extensionPath, 'test', 'support', 'seed-history-cli.ts'), ...args], { cwd: extensionPath, encoding: 'utf8', env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } });
  return JSON.parse(out) as T;
}

/** Full TravisTorrent layout, one row per job: 4 builds of two projects. */
const TRAVISTORRENT_CSV = [
  'tr_build_id,tr_job_id,gh_project_name,git_branch,gh_is_pr,tr_status,tr_duration,gh_build_started_at,git_diff_src_churn,gh_diff_files_modified',
  '11,111,acme/web,master,false,passed,120,2015-05-01T10:00:00Z,5,1',
  '12,121,acme/web,feature,true,failed,300,2015-05-01T11:00:00Z,50,4',
  '21,211,acme/api,master,false,errored,90,2015-05-02T09:00:00Z,7,2',
  '22,221,acme/api,master,false,passed,95,2015-05-02T10:00:00Z,3,1',
].join('\n');

/** The data without what differs between two calls by design (how many deployments the catch-up learnt on the way). */
const comparable = (d: AnalyticsData) => ({ ...d, learning: null });

describe('Deploy Agent sidebar in the VS Code extension host', () => {
  let api: DeployAgentApi;
  let services: ExtensionServices;
  let extensionPath: string;
  let seeded: SeededHistory;

  before(async function () {
    this.timeout(60000);
    const ext = vscode.extensions.getExtension<DeployAgentApi>(EXTENSION_ID)!;
    extensionPath = ext.extensionPath;
    api = await ext.activate();
    services = api.services();
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    assert.ok(folder, 'the suite runs with the e2e workspace open');
    const repoPath = execFileSync('git', ['rev-parse', '--show-toplevel'], { cwd: folder, encoding: 'utf8' }).trim();
    seeded = seedCli<SeededHistory>(extensionPath, ['--db', services.historyDbPath, '--repo', repoPath, '--other', path.join(path.dirname(repoPath), 'shop-backend')]);
    await services.sidebar().setScope('repository');
    await services.sidebar().refresh('seeded');
  });

  it('the activity-bar container opens and the Analytics view sends its figures', async function () {
    this.timeout(30000);
    await vscode.commands.executeCommand('workbench.view.extension.deployAgent');
    const analytics = services.sidebar().analytics;
    const message = await until('the analytics message', () => (analytics.lastPosted?.type === 'analytics' ? analytics.lastPosted : undefined));
    assert.equal(message.selection.scope, 'repository');
    assert.equal(message.context.repository?.path, seeded.repoPath);
    assert.equal(message.data.deployments.total, 13);
    assert.equal(message.data.series.days.length, 30);
    const painted = await until('the first chart paint', () => analytics.firstChartMs);
    extras.sidebarFirstChartMs = painted;
    assert.ok(painted > 0 && painted < 60000, `first chart at ${painted} ms`);
  });

  it("the Analytics view's data message equals `deploy-agent analytics --json` for the same window", async function () {
    this.timeout(30000);
    const analytics = services.sidebar().analytics;
    const posted = analytics.lastPosted as Extract<HostToAnalytics, { type: 'analytics' }>;
    const cli = cliAnalytics(extensionPath, services.historyDbPath, ['--repo', seeded.repoPath, '--days', '30']);
    assert.deepEqual(comparable(posted.data), comparable(cli));
    // Every repository, all history: what the view would send, and the CLI.
    const all = await analytics.compute({ scope: 'all', window: 'all' });
    assert.deepEqual(comparable(all.data), comparable(cliAnalytics(extensionPath, services.historyDbPath, ['--days', 'all'])));
    assert.ok(all.data.deployments.total >= 16, `${all.data.deployments.total} deployments in all repositories`);
  });

  it('the Deployments tree groups this repository by state, newest first, with strategy, duration and tests', async () => {
    const tree = services.sidebar().deployments;
    const groups = await tree.getChildren();
    const labels = groups.map((g) => {
      const item = tree.getTreeItem(g);
      return [String(item.label), String(item.description)];
    });
    assert.deepEqual(labels, [
      ['Interrupted', '1'],
      ['Shipped', '7'],
      ['Tested (dry runs)', '1'],
      ['Failed', '2'],
      ['Stopped before the work', '1'],
      ['Cancelled', '1'],
      ['Rolled back', '1'],
    ]);
    const shipped = await tree.getChildren(groups[1]);
    const items = shipped.map((n) => tree.getTreeItem(n));
    assert.deepEqual(
      items.map((i) => i.label),
      ['Greet in the user’s preferred name', 'Add a health endpoint', 'Validate names (no empty strings)', 'Greet by time of day', 'Add a Dockerfile', 'Refactor greet() into a module of salutations', 'Add a greeting for the morning'],
    );
    assert.equal(items[0]!.description, 'balanced · 7 min · 12 passed · 1 repair');
    assert.match(String(items[0]!.contextValue), /\bpullRequest\b/);
    assert.match(String(items[0]!.contextValue), /\brollbackable\b/);
    assert.doesNotMatch(String(items[5]!.contextValue), /\bpullRequest\b/, 'a local-commit deployment has no pull request');
    assert.deepEqual(items[0]!.command?.arguments, [seeded.ids.a13]);
    const interrupted = tree.getTreeItem((await tree.getChildren(groups[0]))[0]!);
    assert.match(String(interrupted.contextValue), /\bresumable\b/);
    const failed = (await tree.getChildren(groups[3])).map((n) => tree.getTreeItem(n));
    assert.equal(failed[0]!.description, 'balanced · 14 min · 8 passed, 1 failed · 2 repairs');
    assert.ok(failed.every((i) => !/\brollbackable\b/.test(String(i.contextValue))), 'only shipped deployments roll back');
  });

  it('Show All Repositories adds the other repository, named in each description', async () => {
    const sidebar = services.sidebar();
    await vscode.commands.executeCommand('deployAgent.sidebar.showAllRepositories');
    try {
      const tree = sidebar.deployments;
      const groups = await tree.getChildren();
      const shippedGroup = groups.find((g) => tree.getTreeItem(g).label === 'Shipped')!;
      assert.ok(Number(tree.getTreeItem(shippedGroup).description) >= 9, 'seven here and two in shop-backend');
      const descriptions = (await tree.getChildren(shippedGroup)).map((n) => String(tree.getTreeItem(n).description));
      assert.ok(descriptions.some((d) => d.startsWith('shop-backend · ')), descriptions.join('\n'));
    } finally {
      await vscode.commands.executeCommand('deployAgent.sidebar.showThisRepository');
    }
  });

  it('the Patterns tree holds the learner’s three answers, with the CLI’s figures and why in each tooltip', async () => {
    const tree = services.sidebar().patterns;
    tree.refresh();
    const sections = await tree.getChildren();
    assert.deepEqual(
      sections.map((s) => tree.getTreeItem(s).label),
      ['Patterns that succeed', 'Environment adaptations', 'Failures and their recovery'],
    );
    // As the CLI prints them (`deploy-agent recommendations --json`, `rollback-scenarios --json`).
    const expected = {
      patterns: cli<Recommendations>(extensionPath, services.historyDbPath, ['recommendations']).patterns,
      scenarios: cli<RollbackScenarios>(extensionPath, services.historyDbPath, ['rollback-scenarios']).scenarios,
    };
    const patterns = (await tree.getChildren(sections[0])).map((n) => tree.getTreeItem(n));
    assert.equal(patterns.length, expected.patterns.length);
    assert.ok(patterns.length > 0);
    const first = expected.patterns[0]!;
    assert.equal(patterns[0]!.label, `1. ${first.strategy} · ${first.category}`);
    assert.match(String(patterns[0]!.description), new RegExp(`${first.successes}/${first.executions}`));
    assert.ok((patterns[0]!.tooltip as vscode.MarkdownString).value.includes(first.why), 'the why is in the tooltip');
    const pairs = (await tree.getChildren(sections[1])).map((n) => String(tree.getTreeItem(n).label));
    assert.ok(pairs.includes('development → staging'), pairs.join(', '));
    const scenarios = (await tree.getChildren(sections[2])).map((n) => tree.getTreeItem(n));
    assert.equal(scenarios.length, expected.scenarios.length);
    assert.ok((scenarios[0]!.tooltip as vscode.MarkdownString).value.includes(expected.scenarios[0]!.sentence));
  });

  it('Open Report writes the report of a seeded deployment and opens it', async function () {
    this.timeout(20000);
    const uri = await vscode.commands.executeCommand<vscode.Uri>('deployAgent.sidebar.openReport', seeded.ids.a11);
    assert.ok(uri && uri.fsPath.endsWith(`${seeded.ids.a11!}.md`), String(uri));
    await until('the report tab', () => (vscode.window.tabGroups.all.flatMap((g) => g.tabs).some((t) => t.label.includes(seeded.ids.a11!)) ? true : undefined));
  });

  it("the status bar's words for a repository: its last outcome, and an open circuit breaker above all", async function () {
    this.timeout(240000);
    const sidebar = services.sidebar();
    const here = sidebar.status.describe({ path: seeded.repoPath, name: 'e2e-workspace' });
    assert.equal(here?.text, '$(pass) Deploy Agent: shipped');
    assert.equal(here?.deploymentId, seeded.ids.a13);
    assert.equal(sidebar.status.describe({ path: '/nowhere/at/all', name: 'all' }), undefined, 'no history: no item');
    // Five deployments in another repository whose model plants a failing test and never repairs it:
    // five failures in a row (real ones: the model and the tests ran), and the circuit breaker opens.
    // (Through the extension, which alone opens the database here.)
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'deploy-agent-vscode-circuit-'));
    const ollama = new FakeOllama();
    try {
      const repo = await fixtureWithLocalOllama(tmp, await ollama.listen());
      const recommendationFile = path.join(tmp, 'recommendation.json');
      writeFileSync(recommendationFile, JSON.stringify(RECOMMENDATION));
      for (let i = 0; i < 5; i++) {
        scriptPlantedFailure(ollama, 'node', { repair: false });
        const outcome = await services.deployRecommendation({ recommendationFile, mode: 'dry-run', workspaceDir: repo.dir });
        assert.equal(outcome?.status, 'failed', JSON.stringify(outcome));
      }
      const root = execFileSync('git', ['rev-parse', '--show-toplevel'], { cwd: repo.dir, encoding: 'utf8' }).trim();
      const open = sidebar.status.describe({ path: root, name: 'calc' });
      assert.equal(open?.text, '$(circle-slash) Deploy Agent: circuit open');
      assert.equal(open?.background, 'warning');
      assert.match(String(open?.tooltip), /circuit breaker is \*\*open\*\*: 5 of the last 5 deployments failed \(100%\)/);
    } finally {
      await ollama.close();
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('Import CI history from a TravisTorrent CSV file: the builds are stored and the view says how many', async function () {
    this.timeout(60000);
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'deploy-agent-vscode-ci-'));
    try {
      const file = path.join(tmp, 'travistorrent.csv');
      writeFileSync(file, TRAVISTORRENT_CSV);
      const summary = await vscode.commands.executeCommand<string | undefined>('deployAgent.importCiHistory', 'travistorrent', file);
      assert.match(String(summary), /^Imported 4 CI builds of acme\/api, acme\/web/);
      const message = await services.sidebar().analytics.compute({ scope: 'repository', window: 30 });
      assert.ok(message.context.ciBuilds >= 4, `${message.context.ciBuilds} CI builds`);
      const again = await vscode.commands.executeCommand<string | undefined>('deployAgent.importCiHistory', 'travistorrent', file);
      assert.match(String(again), /^No new CI builds: 4 of acme\/api, acme\/web were imported before/);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('Import CI history from GitHub Actions: the runs of the origin remote through the real Octokit client (local GitHub API; the token stands for the VS Code sign-in)', async function () {
    this.timeout(60000);
    const github = new FakeGithub({ autoCreateRepos: true });
    const saved = process.env.GITHUB_API_URL;
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'deploy-agent-vscode-gh-'));
    try {
      process.env.GITHUB_API_URL = await github.listen();
      for (let i = 0; i < 6; i++) {
        const at = `2025-05-0${i + 1}T10:00:00Z`;
        const commit = github.addCommit('octo/greeter', 'main', { message: `c${i}`, date: at, files: [{ filename: `src/f${i}.js`, additions: i + 1, deletions: 0 }] });
        github.addWorkflowRun('octo/greeter', { headSha: commit.sha, conclusion: i % 3 === 0 ? 'failure' : 'success', createdAt: at, runStartedAt: at });
      }
      const repo = path.join(tmp, 'greeter');
      execFileSync('git', ['init', '-q', repo]);
      execFileSync('git', ['-C', repo, 'remote', 'add', 'origin', 'https://github.com/octo/greeter.git']);
      const summary = await services.sidebar().importCiHistory('github', { repository: { path: repo, name: 'greeter' }, token: github.token });
      assert.match(String(summary), /^Imported 6 CI builds of octo\/greeter/);
      const again = await services.sidebar().importCiHistory('github', { repository: { path: repo, name: 'greeter' }, token: github.token });
      assert.match(String(again), /^No new CI builds: 6 of octo\/greeter were imported before/);
    } finally {
      if (saved === undefined) delete process.env.GITHUB_API_URL;
      else process.env.GITHUB_API_URL = saved;
      await github.close();
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('a deployment run through the command refreshes the trees and the charts: the event from core, no polling', async function () {
    this.timeout(120000);
    const sidebar = services.sidebar();
    await sidebar.setScope('all');
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'deploy-agent-vscode-sidebar-'));
    const ollama = new FakeOllama();
    try {
      const before = await sidebar.analytics.compute({ scope: 'all', window: 30 });
      const postedBefore = sidebar.analytics.lastPosted;
      let treeChanged = 0;
      const subscription = (sidebar.deployments as unknown as { changed: vscode.EventEmitter<unknown> }).changed.event(() => treeChanged++);
      const repo = await fixtureWithLocalOllama(tmp, await ollama.listen());
      const recommendationFile = path.join(tmp, 'recommendation.json');
      writeFileSync(recommendationFile, JSON.stringify(RECOMMENDATION));
      scriptPlantedFailure(ollama, 'node');
      // The status bar follows the run: its step and elapsed time, with a spinner.
      const seenWhileRunning = new Set<string>();
      const watch = setInterval(() => seenWhileRunning.add(sidebar.status.text), 20);
      const outcome = await services.deployRecommendation({ recommendationFile, mode: 'dry-run', workspaceDir: repo.dir }).finally(() => clearInterval(watch));
      assert.equal(outcome?.status, 'succeeded', JSON.stringify(outcome?.error));
      const running = [...seenWhileRunning].filter((t) => /^\$\(sync~spin\) Deploy Agent: .+ · \d+:\d\d$/.test(t));
      assert.ok(running.some((t) => t.includes('Run the tests')), `status bar texts while running: ${[...seenWhileRunning].join(' | ')}`);
      const after = await until('a new analytics message', () => {
        const m = sidebar.analytics.lastPosted;
        return m !== postedBefore && m?.type === 'analytics' && m.data.deployments.total === before.data.deployments.total + 1 ? m : undefined;
      });
      assert.equal(after.data.series.outcomes.succeeded.at(-1), before.data.series.outcomes.succeeded.at(-1)! + 1, "today's bar grew by one");
      assert.ok(treeChanged >= 1, 'the Deployments tree was told to redraw');
      subscription.dispose();
    } finally {
      await sidebar.setScope('repository');
      await ollama.close();
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
