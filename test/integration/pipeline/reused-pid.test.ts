import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { bootId, processIdentity } from '../../../src/core/process-identity';
import { openHistoryStore } from '../../../src/core/store/database';
import { DeploymentsRepository } from '../../../src/core/store/deployments';
import { EventsRepository } from '../../../src/core/store/steps';
import { useHarnesses, parseJson, scriptPlantedFailure } from './harness';
import { git } from './repos';

/**
 * A process that died left its PID in the records; another process got the same PID since. Here
 * the "other process" is a live `sleep`, and the records carry the start time the dead one had.
 */
describe('a reused PID does not keep a dead deployment alive (built CLI)', function () {
  this.timeout(120_000);
  const harnesses = useHarnesses();
  let other: ChildProcess | undefined;
  afterEach(() => other?.kill('SIGKILL'));

  before(function () {
    if (process.platform !== 'linux' && process.platform !== 'darwin') this.skip(); // no start times there: only PIDs are compared
  });

  const reusedPid = () => {
    other = spawn('sleep', ['60'], { stdio: 'ignore' });
    const live = processIdentity(other.pid!);
    assert.ok(live.startTime, 'the live process has a start time');
    // What the dead owner had: the same PID and boot, an earlier start.
    return { pid: other.pid!, host: hostname(), bootId: bootId(), startTime: String(Number(live.startTime) - 100) };
  };

  it('`list` marks a running deployment whose PID now belongs to another process as interrupted; `resume` takes it', async () => {
    const h = await harnesses.create('node');
    const dead = reusedPid();
    const root = git(h.repo.dir, 'rev-parse', '--show-toplevel');
    const store = openHistoryStore(h.db);
    try {
      new DeploymentsRepository(store.db).insert({ id: 'dead0001', repoPath: root, title: 'killed long ago', status: 'running', createdAt: Date.now() - 3_600_000, startedAt: Date.now() - 3_600_000 });
      new EventsRepository(store.db).insert('dead0001', Date.now() - 3_600_000, 'owner', { ...dead, startedAt: Date.now() - 3_600_000 });
    } finally {
      store.close();
    }
    const list = parseJson(await h.cli(['list', '--json']));
    assert.deepEqual((list.deployments as { id: string; status: string }[]).map((d) => [d.id, d.status]), [['dead0001', 'interrupted']]);
    const resumed = await h.cli(['resume', 'dead0001', '--json']);
    assert.doesNotMatch(resumed.stderr, /DEPLOYMENT_STILL_RUNNING|still running in process/);
  });

  it('a repository lock held by a PID that now belongs to another process is taken over (--no-wait does not refuse)', async () => {
    const h = await harnesses.create('node');
    scriptPlantedFailure(h.ollama, 'node');
    const dead = reusedPid();
    writeFileSync(path.join(h.repo.dir, '.git', 'deploy-agent.lock'), JSON.stringify({ deploymentId: 'dead0002', ...dead, at: Date.now() - 3_600_000 }));
    const result = await h.cli(['deploy', h.recommendation, '--workspace', h.repo.dir, '--mode', 'dry-run', '--no-wait', '--json']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(parseJson(result).status, 'succeeded');
  });

  it('a lock held by a live process with its true start time still refuses (--no-wait)', async () => {
    const h = await harnesses.create('node');
    other = spawn('sleep', ['60'], { stdio: 'ignore' });
    writeFileSync(path.join(h.repo.dir, '.git', 'deploy-agent.lock'), JSON.stringify({ deploymentId: 'live0003', ...processIdentity(other.pid!), at: Date.now() }));
    const result = await h.cli(['deploy', h.recommendation, '--workspace', h.repo.dir, '--mode', 'dry-run', '--no-wait', '--json']);
    assert.equal(result.code, 1);
    assert.equal((parseJson(result).error as { code: string }).code, 'REPOSITORY_BUSY');
  });
});
