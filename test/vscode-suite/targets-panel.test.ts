// (Named to run after sidebar.test.ts, whose exact counts of a seeded history must not see these releases.)
// Releases and the built-in deployment configuration in the deployment panel, in the VS Code
// extension host: the panel lists the workspace's release targets; its "Release to local" button
// runs the real release (the extension's release controller, the same core as the CLI) and the
// panel follows it live — plan, each host's part of each step, health check — then Roll Back, a
// release reopened from the history, Cancel from the panel, and a rollback refused. Then, in a
// repository with no Dockerfile, "Add a Dockerfile" is offered, and one click saves it as a
// recommendation and previews it like any other.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import type { DeployAgentApi } from '../../src/extension/main';
import type { DeploymentPanel } from '../../src/extension/panel/panel';
import type { HostToPanel, LiveEvent, PanelToHost } from '../../src/protocol/panel';
import { createFixtureRepo } from '../integration/pipeline/repos';

const EXTENSION_ID = 'deploy-agent.deploy-agent';
type Message<T extends HostToPanel['type']> = Extract<HostToPanel, { type: T }>;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = http.createServer().listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

/** Everything a panel posts from now on, and a way to wait for one message (also one already posted). */
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
    next<T extends HostToPanel['type']>(type: T, test: (m: Message<T>) => boolean = () => true, timeoutMs = 60000): Promise<Message<T>> {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no matching "${type}" message within ${timeoutMs} ms; posted: ${seen.map((m) => m.type).join(', ')}`)), timeoutMs);
        waiters.push({ test: (m) => m.type === type && test(m as Message<T>), resolve: (m) => (clearTimeout(timer), resolve(m as Message<T>)) });
      });
    },
    /** The events of `id` the panel has: those of its last snapshot (`deployment`), then those forwarded after it. */
    events(id: string): LiveEvent[] {
      const at = seen.findLastIndex((m) => m.type === 'deployment' && m.header.id === id);
      const snapshot = at >= 0 ? (seen[at] as Message<'deployment'>).events : [];
      return [...snapshot, ...seen.slice(at + 1).flatMap((m) => (m.type === 'event' && m.event.deploymentId === id ? [m.event] : []))];
    },
    /** Waits until the panel has an event of `id` for which `test` holds. */
    async until(id: string, test: (e: LiveEvent) => boolean, timeoutMs = 60000): Promise<LiveEvent> {
      for (let waited = 0; waited < timeoutMs; waited += 100) {
        const found = this.events(id).find(test);
        if (found) return found;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error(`no matching event of ${id} within ${timeoutMs} ms: ${this.events(id).map((e) => e.type).join(', ')}`);
    },
  };
}

describe('releases and the missing deployment configuration in the deployment panel', function () {
  this.timeout(180_000);
  const folder = () => vscode.workspace.workspaceFolders![0]!.uri.fsPath;
  const configFile = () => path.join(folder(), '.deploy-agent', 'config.json');
  let api: DeployAgentApi;
  let saved: string | undefined;
  let tmp: string;
  let root: string;
  let slowRoot: string;
  let panel: DeploymentPanel;
  let posts: ReturnType<typeof listen>;
  const send = (message: PanelToHost) => panel.receive(message);

  before(async () => {
    api = await vscode.extensions.getExtension<DeployAgentApi>(EXTENSION_ID)!.activate();
    saved = existsSync(configFile()) ? readFileSync(configFile(), 'utf8') : undefined;
    tmp = mkdtempSync(path.join(os.tmpdir(), 'deploy-agent-vscode-release-panel-'));
    root = path.join(tmp, 'local');
    slowRoot = path.join(tmp, 'slow');
    const port = await freePort();
    mkdirSync(path.join(root, 'shared'), { recursive: true });
    writeFileSync(path.join(root, 'shared', '.env'), `PORT=${port}\n`);
    const server = `require('http').createServer((q, s) => s.end('{"status":"ok"}')).listen(process.env.PORT, '127.0.0.1')`;
    const own = saved ? (JSON.parse(saved) as Record<string, unknown>) : {};
    mkdirSync(path.dirname(configFile()), { recursive: true });
    writeFileSync(
      configFile(),
      JSON.stringify({
        ...own,
        targets: {
          local: { type: 'local', path: root, shared: ['.env'], steps: { install: 'true' }, start: `${JSON.stringify(process.execPath)} -e ${JSON.stringify(server)}`, healthCheck: { url: `http://127.0.0.1:${port}/health`, timeoutMs: 15000 }, watch: { minutes: 0 } },
          // Its install takes a while: cancelled from the panel.
          slow: { type: 'local', path: slowRoot, steps: { install: 'sleep 30' }, start: 'sleep 60', watch: { minutes: 0 } },
        },
      }),
    );
    await vscode.commands.executeCommand('deployAgent.targets.refresh');
  });

  after(() => {
    api.services().panel().current()?.dispose();
    for (const dir of [root, slowRoot]) {
      const pid = path.join(dir, 'run', 'app.pid');
      if (existsSync(pid)) {
        try {
          process.kill(-Number(readFileSync(pid, 'utf8')), 'SIGKILL');
        } catch {
          // gone
        }
      }
    }
    if (saved === undefined) rmSync(configFile(), { force: true });
    else writeFileSync(configFile(), saved);
    rmSync(tmp, { recursive: true, force: true });
  });

  let first = '';

  it('lists the release targets with the recommendations, each never released yet', async () => {
    panel = api.services().panel().open({ workspaceDir: folder() });
    posts = listen(panel);
    const releases = posts.next('releases', (m) => m.data.targets.length === 2);
    await send({ type: 'refresh' });
    const { data } = await releases;
    assert.deepEqual(data.targets.map((t) => [t.name, t.type, t.environment, t.path, t.last?.id ?? null]), [
      ['local', 'local', 'development', root, null],
      ['slow', 'local', 'development', slowRoot, null],
    ]);
  });

  it('"Release to local" runs the release and the panel follows it live: its plan, each host’s part of each step, the health check', async () => {
    const shown = posts.next('deployment', (m) => m.header.release?.target === 'local');
    await send({ type: 'action', action: { id: 'releaseTarget', label: 'Release to local', argument: 'local' } });
    const { header } = await shown;
    first = header.id;
    assert.equal(header.release?.mode, 'release');
    assert.equal(header.title, 'release HEAD to local');
    const finished = (await posts.until(first, (e) => e.type === 'deployment.finished')) as Extract<LiveEvent, { type: 'deployment.finished' }>;
    assert.equal(finished.status, 'succeeded', JSON.stringify(finished.error));
    const events = posts.events(first);
    const plan = events.find((e) => e.type === 'release.plan');
    assert.ok(plan?.type === 'release.plan', 'the plan reached the panel');
    assert.deepEqual(plan.batches, [['local']]);
    assert.ok(plan.reasons.length > 0);
    assert.ok(plan.steps.some((s) => s.name === 'health-check'));
    const hostParts = events.filter((e) => e.type === 'release.host');
    for (const step of ['connect', 'upload', 'switch', 'restart', 'health-check']) {
      assert.ok(hostParts.some((e) => e.type === 'release.host' && e.step === step && e.status === 'succeeded' && typeof e.durationMs === 'number'), `${step}: ${JSON.stringify(hostParts)}`);
    }
    const health = events.find((e) => e.type === 'step.finished' && e.step === 'health-check');
    assert.ok(health?.type === 'step.finished' && health.status === 'succeeded' && /200 in \d+ ms/.test(health.summary ?? ''), JSON.stringify(health));
    // The release's debug lines (its scripts' output) are not forwarded; they stay in the history.
    assert.ok(!events.some((e) => e.type === 'log' && e.level === 'debug'));
  });

  it('a second release, then Roll Back from the panel: the rollback is followed live and goes back to the first', async () => {
    const second = posts.next('deployment', (m) => m.header.release?.target === 'local' && m.header.id !== first);
    await send({ type: 'action', action: { id: 'releaseTarget', label: 'Release again', argument: 'local' } });
    const secondId = (await second).header.id;
    assert.equal(((await posts.until(secondId, (e) => e.type === 'deployment.finished')) as { status: string }).status, 'succeeded');
    // Roll Back asks first (a modal): the controller's own entry runs it without the question.
    const shown = posts.next('deployment', (m) => m.header.release?.mode === 'rollback');
    const outcome = await api.services().release().release('local', { mode: 'rollback' });
    assert.equal(outcome?.status, 'succeeded', JSON.stringify(outcome?.error));
    const { header } = await shown;
    assert.equal(header.id, outcome!.id);
    assert.equal(header.title, 'roll back local');
    const plan = await posts.until(outcome!.id, (e) => e.type === 'release.plan');
    assert.ok(plan.type === 'release.plan');
    assert.equal(plan.mode, 'rollback');
    assert.match(plan.release, new RegExp(`-${first}$`));
  });

  it('a release reopened from the history has its plan and host parts, and is no longer its target’s latest', async () => {
    const shown = posts.next('deployment', (m) => m.header.id === first);
    await send({ type: 'action', action: { id: 'openDeployment', label: 'Open', argument: first } });
    const { header, events, live } = await shown;
    assert.equal(live, false);
    assert.equal(header.release?.latest, false);
    assert.equal(header.status, 'succeeded');
    assert.ok(events.some((e) => e.type === 'release.plan'));
    assert.ok(events.some((e) => e.type === 'release.host' && e.step === 'health-check' && e.status === 'succeeded'));
    // Back at the list: the target's last release is the rollback.
    const releases = posts.next('releases');
    await send({ type: 'back' });
    const { data } = await releases;
    const local = data.targets.find((t) => t.name === 'local');
    assert.equal(local?.last?.mode, 'rollback');
    assert.equal(data.recent.length, 3);
  });

  it('Cancel in the panel stops a running release', async () => {
    const shown = posts.next('deployment', (m) => m.header.release?.target === 'slow');
    const running = api.services().release().release('slow');
    const { header } = await shown;
    await posts.until(header.id, (e) => e.type === 'release.host' && e.step === 'install' && e.status === 'running');
    await send({ type: 'cancel', deploymentId: header.id });
    const outcome = await running;
    assert.equal(outcome?.status, 'cancelled');
    await posts.until(header.id, (e) => e.type === 'release.host' && e.step === 'install' && e.status === 'cancelled');
  });

  it('a rollback refused before it starts (nothing to go back to) is shown in the panel with its reason', async () => {
    const shown = posts.next('deployment', (m) => m.header.release?.target === 'slow' && m.header.release.mode === 'rollback');
    const outcome = await api.services().release().release('slow', { mode: 'rollback' });
    assert.equal(outcome, undefined);
    const { header } = await shown;
    const finished = (await posts.until(header.id, (e) => e.type === 'deployment.finished')) as Extract<LiveEvent, { type: 'deployment.finished' }>;
    assert.equal(finished.status, 'refused');
    assert.equal(finished.error?.code, 'NOTHING_TO_ROLL_BACK_TO');
  });

  it('a repository with no Dockerfile is offered "Add a Dockerfile"; one click saves it as a recommendation and previews it', async function () {
    const repo = createFixtureRepo(tmp, 'node', { dirty: false });
    panel.dispose();
    panel = api.services().panel().open({ workspaceDir: repo.dir });
    posts = listen(panel);
    const missing = posts.next('missingConfig');
    await send({ type: 'refresh' });
    const { items } = await missing;
    const dockerfile = items.find((i) => i.id === 'deployment-config/dockerfile');
    assert.ok(dockerfile, JSON.stringify(items.map((i) => i.id)));
    assert.equal(dockerfile.title, 'Add a Dockerfile');
    assert.equal(dockerfile.why, 'the project has no Dockerfile');
    assert.ok(dockerfile.files.includes('Dockerfile'));

    const listed = posts.next('recommendations', (m) => m.data.items.some((i) => i.id === 'deployment-config/dockerfile'));
    const preview = posts.next('preview');
    // Listed now with the recommendations, it is no longer offered below them (the list's next reading says so).
    const after = posts.next('missingConfig', (m) => !m.items.some((i) => i.id === 'deployment-config/dockerfile'));
    await send({ type: 'addBuiltin', id: 'deployment-config/dockerfile' });
    const { data } = await listed;
    const item = data.items.find((i) => i.id === 'deployment-config/dockerfile')!;
    assert.equal(item.relativePath, '.deploy-agent/recommendations/add-a-dockerfile.json');
    assert.equal(data.preselect, item.file);
    const saved = JSON.parse(readFileSync(item.file, 'utf8')) as { id: string; category: string; targetFiles: string[] };
    assert.equal(saved.category, 'deployment-config');
    assert.ok(saved.targetFiles.includes('Dockerfile'));
    assert.equal((await preview).data.file, item.file);
    assert.ok((await after).items.some((i) => i.id === 'deployment-config/github-actions' || i.id === 'deployment-config/gitlab-ci' || i.id === 'deployment-config/jenkins'), 'the others are still offered');
  });
});
