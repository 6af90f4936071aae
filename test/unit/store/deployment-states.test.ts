import assert from 'node:assert/strict';
import { countByState, historyCounts, latestDeployment, listByState, stateOf } from '../../../src/core/store/deployment-states';
import { seededStates, seedHistory, SEEDS } from '../../support/seed-history';
import { tempStore } from '../learning/history';

describe('deployment states: the history as the sidebar groups it', () => {
  let t: ReturnType<typeof tempStore>;
  const now = Date.UTC(2025, 5, 30, 12);
  beforeEach(() => {
    t = tempStore();
    seedHistory(t.store, { repoPath: '/work/greeter', otherRepoPath: '/work/shop', now });
  });
  afterEach(() => t.cleanup());

  it('counts each state of one repository and of all, as the seeds were made', () => {
    const mine = countByState(t.store.db, { repoPath: '/work/greeter' });
    for (const [state, n] of Object.entries(seededStates())) assert.equal(mine[state as keyof typeof mine], n, state);
    assert.deepEqual([mine.running, mine['awaiting-review']], [0, 0]);
    const all = countByState(t.store.db);
    assert.equal(Object.values(all).reduce((a, b) => a + b, 0), SEEDS.length);
    assert.deepEqual(historyCounts(t.store.db, '/work/greeter'), { scope: 14, all: SEEDS.length, window: 14, ciBuilds: 0 });
    // In a window: only what was recorded since its start (the Analytics view's empty state tells those apart from earlier ones).
    assert.equal(historyCounts(t.store.db, '/work/greeter', Date.now() + 1).window, 0);
    assert.equal(mine.stopped, 1, 'a setup failure is its own state');
  });

  it('lists a state newest first, a page at a time, with the last test run and the repair rounds', () => {
    const shipped = listByState(t.store.db, 'shipped', { repoPath: '/work/greeter', limit: 3 });
    assert.deepEqual(
      shipped.map((d) => d.title),
      ['Greet in the user’s preferred name', 'Add a health endpoint', 'Validate names (no empty strings)'],
    );
    assert.deepEqual(shipped[0]!.tests, { passed: 12, failed: 0, skipped: 0 });
    assert.equal(shipped[0]!.repairs, 1);
    assert.match(shipped[0]!.prUrl!, /pull\/113$/);
    const next = listByState(t.store.db, 'shipped', { repoPath: '/work/greeter', limit: 3, offset: 3 });
    assert.equal(next[0]!.title, 'Greet by time of day');
    const cancelled = listByState(t.store.db, 'cancelled', { repoPath: '/work/greeter', limit: 10 });
    assert.deepEqual([cancelled.length, cancelled[0]!.tests], [1, null]);
    // A dry run that succeeded is tested, not shipped.
    assert.deepEqual(listByState(t.store.db, 'tested', { limit: 10 }).map((d) => d.mode), ['dry-run']);
  });

  it("the repository's newest deployment, and stateOf for every status", () => {
    assert.equal(latestDeployment(t.store.db, '/work/greeter')!.title, 'Greet in the user’s preferred name');
    assert.equal(latestDeployment(t.store.db, '/nowhere'), undefined);
    assert.equal(stateOf({ status: 'succeeded', commitSha: 'abc', mode: 'full-pr' }), 'shipped');
    assert.equal(stateOf({ status: 'succeeded', commitSha: 'abc', mode: 'dry-run' }), 'tested');
    assert.equal(stateOf({ status: 'succeeded', commitSha: null, mode: 'local-commit' }), 'tested');
    assert.equal(stateOf({ status: 'rolled_back', commitSha: 'abc', mode: 'full-pr' }), 'rolled-back');
    assert.equal(stateOf({ status: 'pending', commitSha: null, mode: null }), 'running');
    assert.equal(stateOf({ status: 'awaiting_review' as never, commitSha: null, mode: null }), 'awaiting-review');
    assert.equal(stateOf({ status: 'refused', commitSha: null, mode: 'full-pr' }), 'stopped');
    assert.equal(stateOf({ status: 'setup-failed', commitSha: null, mode: 'full-pr' }), 'stopped');
  });

  it('seeding twice inserts nothing twice', () => {
    const again = seedHistory(t.store, { repoPath: '/work/greeter', otherRepoPath: '/work/shop', now });
    assert.equal(again.inserted, 0);
    assert.equal(historyCounts(t.store.db).all, SEEDS.length);
  });
});
