import assert from 'node:assert/strict';
import { changeFailureRateTier, deploymentFrequencyTier, leadTimeTier, timeToRestoreTier, wilsonInterval, wilsonLowerBound } from '../../../src/core/learning';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('learning: Wilson lower bound', () => {
  const close = (actual: number, expected: number) => assert.ok(Math.abs(actual - expected) < 5e-5, `${actual} ≠ ${expected}`);

  it('0 of 0: nothing is known, so the bound is 0', () => {
    assert.equal(wilsonLowerBound(0, 0), 0);
    assert.deepEqual(wilsonInterval(0, 0), { lower: 0, upper: 1 });
  });

  it('5 of 10 → 0.2366', () => {
    // p = 0.5, n = 10, z² = 3.8416: centre = 0.5 + 3.8416/20 = 0.69208;
    // margin = 1.96·√(0.25/10 + 3.8416/400) = 1.96·√0.034604 = 0.364603;
    // (0.69208 − 0.364603) / (1 + 0.38416) = 0.327477 / 1.38416 = 0.23659
    close(wilsonLowerBound(5, 10), 0.23659);
    // upper: (0.69208 + 0.364603) / 1.38416 = 0.76341 (symmetric around 0.5)
    close(wilsonInterval(5, 10).upper, 0.76341);
  });

  it('100 of 100 → 0.9630', () => {
    // p = 1: centre = 1 + 3.8416/200 = 1.019208; margin = 1.96·√(3.8416/40000) = 0.019208;
    // 1 / (1 + 0.038416) = 0.963005
    close(wilsonLowerBound(100, 100), 0.963005);
  });

  it('1 of 1 → 0.2065, far below 19 of 20 → 0.7639: evidence counts', () => {
    // 1/1: centre = 1 + 1.9208 = 2.9208, margin = 1.96·√(3.8416/4) = 1.9208, 1 / 4.8416 = 0.206543
    close(wilsonLowerBound(1, 1), 0.206543);
    // 19/20: p = 0.95; centre = 0.95 + 0.09604 = 1.04604; margin = 1.96·√(0.0475/20 + 3.8416/1600) = 1.96·√0.0047760 = 0.135453;
    // (1.04604 − 0.135453) / 1.19208 = 0.763865
    close(wilsonLowerBound(19, 20), 0.763865);
  });

  it('0 of 10 → 0, and more successes than trials is refused', () => {
    assert.equal(wilsonLowerBound(0, 10), 0);
    assert.throws(() => wilsonLowerBound(11, 10), RangeError);
  });
});

describe('learning: DORA 2023 tiers at their edges', () => {
  it('deployment frequency: once a day is elite, once a week high, once a month (30 days) medium', () => {
    assert.equal(deploymentFrequencyTier(3), 'elite');
    assert.equal(deploymentFrequencyTier(1), 'elite');
    assert.equal(deploymentFrequencyTier(1 - 1e-9), 'high');
    assert.equal(deploymentFrequencyTier(1 / 7), 'high');
    assert.equal(deploymentFrequencyTier(1 / 7 - 1e-9), 'medium');
    assert.equal(deploymentFrequencyTier(1 / 30), 'medium');
    assert.equal(deploymentFrequencyTier(1 / 30 - 1e-9), 'low');
    assert.equal(deploymentFrequencyTier(1 / 180), 'low');
    assert.equal(deploymentFrequencyTier(0), 'low');
  });

  it('lead time: less than a day is elite; a day up to a week high; up to 30 days medium; longer low', () => {
    assert.equal(leadTimeTier(0), 'elite');
    assert.equal(leadTimeTier(DAY - 1), 'elite');
    assert.equal(leadTimeTier(DAY), 'high');
    assert.equal(leadTimeTier(7 * DAY), 'high');
    assert.equal(leadTimeTier(7 * DAY + 1), 'medium');
    assert.equal(leadTimeTier(30 * DAY), 'medium');
    assert.equal(leadTimeTier(30 * DAY + 1), 'low');
  });

  it('change failure rate: 5% elite, 10% high, 15% medium, above low', () => {
    assert.equal(changeFailureRateTier(0), 'elite');
    assert.equal(changeFailureRateTier(0.05), 'elite');
    assert.equal(changeFailureRateTier(0.05 + 1e-9), 'high');
    assert.equal(changeFailureRateTier(0.1), 'high');
    assert.equal(changeFailureRateTier(0.1 + 1e-9), 'medium');
    assert.equal(changeFailureRateTier(0.15), 'medium');
    assert.equal(changeFailureRateTier(0.15 + 1e-9), 'low');
    assert.equal(changeFailureRateTier(0.64), 'low', "the 2023 low cluster's typical rate");
    assert.equal(changeFailureRateTier(1), 'low');
  });

  it('time to restore: less than an hour elite, less than a day high, up to a week medium, longer low', () => {
    assert.equal(timeToRestoreTier(HOUR - 1), 'elite');
    assert.equal(timeToRestoreTier(HOUR), 'high');
    assert.equal(timeToRestoreTier(DAY - 1), 'high');
    assert.equal(timeToRestoreTier(DAY), 'medium');
    assert.equal(timeToRestoreTier(7 * DAY), 'medium');
    assert.equal(timeToRestoreTier(7 * DAY + 1), 'low', 'a week to a month: no 2023 cluster, not medium');
    assert.equal(timeToRestoreTier(30 * DAY), 'low', 'the 2023 low cluster: one month to six months');
    assert.equal(timeToRestoreTier(180 * DAY), 'low');
  });
});
