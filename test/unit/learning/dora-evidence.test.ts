import assert from 'node:assert/strict';
import { computeAnalytics, recordOutcome } from '../../../src/core/learning';
import { DORA_EVIDENCE } from '../../../src/core/learning/dora';
import { doraDefinitions } from '../../../src/core/learning/dora-definitions';
import { addDeployment, DAY, MIN, NOW, tempStore } from './history';

/** A first deployment must not make a team "elite": a tier needs a few shipped deployments and a week of history. */
describe('learning: DORA tiers need evidence', () => {
  let t: ReturnType<typeof tempStore>;
  beforeEach(() => (t = tempStore()));
  afterEach(() => t.cleanup());

  const ship = (createdAt: number) => recordOutcome(t.store, addDeployment(t.store.db, { createdAt, durationMs: MIN }), { now: NOW });

  it('one shipped deployment today, in a 30-day window: its figures, which days they divide by, and no tier on any key, each saying what is missing', () => {
    ship(NOW - 20 * MIN);
    const { dora } = computeAnalytics(t.store, { days: 30, now: NOW });
    assert.deepEqual(dora.deploymentFrequency.value, { shipped: 1, days: 1, perDay: 1, perWeek: 7 });
    assert.equal(dora.deploymentFrequency.tier, null, 'not elite after one deployment');
    assert.equal(dora.deploymentFrequency.note, `a tier after ${DORA_EVIDENCE.minShipped} shipped deployments (this window has 1)`);
    assert.equal(dora.leadTimeForChanges.tier, null);
    assert.equal(dora.leadTimeForChanges.value.n, 1);
    assert.match(dora.leadTimeForChanges.note ?? '', /a tier after 3 shipped deployments \(this window has 1\)/);
    assert.equal(dora.changeFailureRate.tier, null);
    assert.equal(dora.changeFailureRate.value.rate, 0);
    assert.equal(dora.timeToRestore.tier, null);
  });

  it('three shipped on the first two days: lead time and failure rate get their tier, frequency waits for a week of history', () => {
    for (const at of [NOW - DAY, NOW - DAY + 30 * MIN, NOW - 10 * MIN]) ship(at);
    const { dora } = computeAnalytics(t.store, { days: 30, now: NOW });
    assert.equal(dora.leadTimeForChanges.tier, 'elite');
    assert.equal(dora.changeFailureRate.tier, 'elite');
    assert.equal(dora.deploymentFrequency.value.days, 2);
    assert.equal(dora.deploymentFrequency.tier, null);
    assert.equal(dora.deploymentFrequency.note, `a tier after ${DORA_EVIDENCE.minDays} days of history (this window has 2)`);
  });

  it('with a week of history, frequency is per day of the window: 3 over 30 days is once every 10 days, medium', () => {
    for (const at of [NOW - 25 * DAY, NOW - 12 * DAY, NOW - 2 * DAY]) ship(at);
    const { dora } = computeAnalytics(t.store, { days: 30, now: NOW });
    assert.equal(dora.deploymentFrequency.value.days, 26, 'the history began 25 days ago: 26 days of it (today included)');
    assert.equal(dora.deploymentFrequency.tier, 'medium');
    const { dora: all } = computeAnalytics(t.store, { days: 90, now: NOW });
    assert.equal(all.deploymentFrequency.value.days, 26, 'a longer window does not dilute a shorter history');
  });

  it('the tooltip says what frequency divides by and when tiers are given', () => {
    const words = doraDefinitions().deploymentFrequency;
    assert.match(words, /per day of the window \(of the history, when it began within the window\)/);
    assert.match(words, /given after 3 shipped deployments and 7 days of history/);
  });
});
