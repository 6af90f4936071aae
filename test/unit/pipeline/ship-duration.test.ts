import assert from 'node:assert/strict';
import path from 'node:path';
import type { PipelineEvent } from '../../../src/core/pipeline/events';
import { Orchestrator } from '../../../src/core/pipeline/orchestrator';
import { openHistoryStore, type HistoryStore } from '../../../src/core/store/database';
import { DeploymentsRepository } from '../../../src/core/store/deployments';
import { tempDir } from '../../support/temp';
import { scriptedPorts } from './scripted-ports';

const HOUR = 3_600_000;

// The newcomer's panel header said "3m 43s" after shipping (the review wait included) while the
// list said 16.7 s: the history's duration leaves the wait out, the finished event did not.
describe('the duration of a shipped review', () => {
  let dir: ReturnType<typeof tempDir>;
  let store: HistoryStore;
  let clock: number;
  const now = () => clock;
  const never = new AbortController().signal;

  beforeEach(() => {
    dir = tempDir();
    store = openHistoryStore(path.join(dir.path, 'history.db'));
    clock = 1_700_000_000_000;
  });
  afterEach(() => {
    store.close();
    dir.cleanup();
  });

  it('deployment.finished of the ship carries the machine time the history records, not the hours of review', async () => {
    const ports = () => scriptedPorts({ snapshotSandbox: async () => ((clock += 1000), 'tree-tested') });
    const request = { recommendationFile: path.join(dir.path, 'rec.json'), workspaceDir: dir.path, mode: 'review' as const, strategy: 'auto' as const, keepWorktree: false, wait: false };
    const first = await new Orchestrator({ db: store.db, ports: ports(), now }).deploy(request, never);
    clock += 2 * HOUR;
    const seen: PipelineEvent[] = [];
    const shipper = new Orchestrator({ db: store.db, ports: ports(), now });
    shipper.events.on((e) => seen.push(e));
    const shipped = await shipper.ship(first.id, 'local-commit', never);
    assert.equal(shipped.status, 'succeeded');
    const recorded = new DeploymentsRepository(store.db).get(first.id)!.durationMs!;
    assert.ok(recorded < HOUR, `the history records ${recorded} ms`);
    const finished = seen.filter((e) => e.type === 'deployment.finished');
    assert.equal(finished.length, 1);
    assert.equal(finished[0]!.type === 'deployment.finished' && finished[0]!.durationMs, recorded, 'the panel header reads this event: the same figure as the list');
    assert.equal(shipped.durationMs, recorded);
  });
});
