import assert from 'node:assert/strict';
import { checkCircuitBreaker, circuitState, DEFAULT_CIRCUIT_BREAKER, type CircuitBreakerSettings } from '../../../src/core/pipeline/circuit-breaker';
import { DeployAgentError } from '../../../src/core/errors';
import { DeploymentsRepository } from '../../../src/core/store/deployments';
import { useTempStore } from '../../support/temp-store';

/**
 * The circuit breaker's boundaries, on a real history database: fewer than `minSamples`
 * finished deployments never open it, the failure rate opens it AT the threshold and not below,
 * only the last `window` deployments count, and after the cooldown it is half-open — the next
 * deployment goes through, and one more failure opens it again.
 */
describe('circuit breaker: boundaries', () => {
  const temp = useTempStore();
  const REPO = '/work/some-repo';
  const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);
  const MINUTE = 60_000;
  const S: CircuitBreakerSettings = { window: 10, minSamples: 5, failureRate: 0.6, cooldownMinutes: 30 };
  let seq = 0;

  /** Finished deployments, OLDEST first; the newest finishes at `newestAt`, one minute apart. */
  function history(outcomes: ('ok' | 'fail' | 'rollback')[], newestAt = NOW - MINUTE, repo = REPO): void {
    const repoRows = new DeploymentsRepository(temp.store.db);
    repoRows.insertMany(
      outcomes.map((o, i) => {
        const finishedAt = newestAt - (outcomes.length - 1 - i) * MINUTE;
        return { id: `cb${String(++seq).padStart(6, '0')}`, repoPath: repo, title: 't', status: o === 'ok' ? ('succeeded' as const) : o === 'fail' ? ('failed' as const) : ('rolled_back' as const), createdAt: finishedAt - 1000, finishedAt };
      }),
    );
  }
  const state = (settings = S, now = NOW) => circuitState(temp.store.db, REPO, settings, { now });
  const fails = (n: number): 'fail'[] => Array(n).fill('fail');
  const oks = (n: number): 'ok'[] => Array(n).fill('ok');

  it('the defaults are the documented ones (the cases below use them)', () => {
    assert.deepEqual(DEFAULT_CIRCUIT_BREAKER, S);
  });

  it('fewer than minSamples finished deployments: closed, even when every one failed', () => {
    history(fails(4));
    const s = state();
    assert.equal(s.state, 'closed');
    assert.equal(s.rate, 1);
    assert.equal(s.window, 4);
  });

  it('exactly minSamples, all failed: open', () => {
    history(fails(5));
    assert.equal(state().state, 'open');
  });

  it('minSamples is a setting: 3 of 3 failed opens it at minSamples 3, not at 4', () => {
    history(fails(3));
    assert.equal(state({ ...S, minSamples: 3 }).state, 'open');
    assert.equal(state({ ...S, minSamples: 4 }).state, 'closed');
  });

  it('below the failure rate: closed (5 of 10 = 50% < 60%)', () => {
    history([...oks(5), ...fails(5)]);
    const s = state();
    assert.equal(s.rate, 0.5);
    assert.equal(s.state, 'closed');
  });

  it('at the failure rate: open (6 of 10 = 60%)', () => {
    history([...oks(4), ...fails(6)]);
    const s = state();
    assert.equal(s.rate, 0.6);
    assert.equal(s.state, 'open');
  });

  it('at the rate with exactly minSamples: open (3 of 5 = 60%)', () => {
    history([...oks(2), ...fails(3)]);
    assert.equal(state().state, 'open');
  });

  it('one success fewer than the rate needs: closed (2 of 5 = 40%)', () => {
    history([...oks(3), ...fails(2)]);
    assert.equal(state().state, 'closed');
  });

  it('above the rate: open (7 of 10)', () => {
    history([...oks(3), ...fails(7)]);
    assert.equal(state().state, 'open');
  });

  it('rolled-back deployments count as failures', () => {
    history([...oks(2), 'rollback', 'rollback', 'fail']);
    assert.equal(state().failures, 3);
    assert.equal(state().state, 'open');
  });

  it('only the last `window` deployments count: old failures fall out', () => {
    history([...fails(10), ...oks(5)], NOW - MINUTE);
    // The newest 10: 5 failures and 5 successes = 50%.
    const s = state();
    assert.equal(s.window, 10);
    assert.equal(s.failures, 5);
    assert.equal(s.state, 'closed');
  });

  it('other repositories and unfinished deployments do not count', () => {
    history(fails(6), NOW - MINUTE, '/work/another-repo');
    new DeploymentsRepository(temp.store.db).insertMany(Array.from({ length: 6 }, (_, i) => ({ id: `run${String(i).padStart(5, '0')}`, repoPath: REPO, title: 't', status: 'running' as const, createdAt: NOW - 1000 })));
    assert.equal(state().window, 0);
    assert.equal(state().state, 'closed');
  });

  it('the cooldown: open until 30 minutes after the LAST failure, half-open from then on', () => {
    history(fails(5), NOW - MINUTE);
    const last = NOW - MINUTE;
    assert.equal(state(S, last + 30 * MINUTE - 1).state, 'open');
    const half = state(S, last + 30 * MINUTE);
    assert.equal(half.state, 'half-open');
    assert.equal(half.reopensAt, last + 30 * MINUTE);
    assert.equal(state(S, last + 300 * MINUTE).state, 'half-open');
  });

  it('half-open lets the next deployment through; one more failure opens it again for a new cooldown', () => {
    history(fails(5), NOW - 40 * MINUTE);
    assert.deepEqual(checkCircuitBreaker(temp.store.db, REPO, { deploymentId: 'next0001' }, S, NOW), { state: 'half-open', forced: false });
    history(['fail'], NOW);
    assert.equal(state(S, NOW + MINUTE).state, 'open');
    assert.equal(state(S, NOW + 30 * MINUTE).state, 'half-open');
  });

  it('half-open, then successes close it by lowering the rate', () => {
    history(fails(5), NOW - 40 * MINUTE);
    history(oks(5), NOW);
    // 5 of 10 failed: below 60%.
    assert.equal(state(S, NOW + MINUTE).state, 'closed');
  });

  it('open: the gate refuses with CIRCUIT_OPEN and says when it reopens; --force with a reason passes and is recorded', () => {
    history(fails(5));
    assert.throws(
      () => checkCircuitBreaker(temp.store.db, REPO, { deploymentId: 'next0002' }, S, NOW),
      (e: unknown) => e instanceof DeployAgentError && e.code === 'CIRCUIT_OPEN' && /5 of its last 5/.test(e.message) && e.hint.includes(new Date(NOW - MINUTE + 30 * MINUTE).toISOString()),
    );
    new DeploymentsRepository(temp.store.db).insertMany([{ id: 'next0003', repoPath: REPO, title: 't', status: 'running' as const, createdAt: NOW }]);
    assert.deepEqual(checkCircuitBreaker(temp.store.db, REPO, { deploymentId: 'next0003', forceReason: 'hotfix' }, S, NOW), { state: 'open', forced: true });
    const row = temp.store.db.prepare(`SELECT kind, reason FROM decisions WHERE deployment_id = 'next0003'`).get();
    assert.deepEqual({ ...(row as object) }, { kind: 'circuit-override', reason: 'hotfix' });
  });

  it('the deployment being checked does not count itself (a resumed one that failed before)', () => {
    history(oks(1));
    new DeploymentsRepository(temp.store.db).insertMany(Array.from({ length: 5 }, (_, i) => ({ id: `self000${i}`, repoPath: REPO, title: 't', status: 'failed' as const, createdAt: NOW - 2000, finishedAt: NOW - 1000 + i })));
    assert.equal(circuitState(temp.store.db, REPO, S, { now: NOW }).state, 'open');
    // Six finished rows; without the one being checked, five: below minSamples 6.
    assert.equal(circuitState(temp.store.db, REPO, { ...S, minSamples: 6 }, { now: NOW }).state, 'open');
    assert.equal(circuitState(temp.store.db, REPO, { ...S, minSamples: 6 }, { now: NOW, excludeId: 'self0004' }).state, 'closed');
  });
});
