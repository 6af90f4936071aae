import assert from 'node:assert/strict';
import { decideStrategy } from '../../../src/core/strategy/decide';
import { detectEnvironment } from '../../../src/core/strategy/environment';
import type { MetricsReading } from '../../../src/core/strategy/types';

const dev = detectEnvironment({ env: {}, branch: 'feature/x', hostname: 'x', fileExists: () => false });
// Production as CI on main sees it (on a developer machine the branch alone is no evidence).
const prod = detectEnvironment({ env: { GITHUB_ACTIONS: 'true' }, branch: 'main', hostname: 'prod-runner-1', fileExists: () => false });
const calm: MetricsReading = { cpuLoadPercent: 20, memoryUsedPercent: 40, diskFreeBytes: 50e9 };

describe('strategy decisions', () => {
  it('cold start: fewer than 20 outcomes → the documented rule (balanced), with the reason', () => {
    const d = decideStrategy({ requested: 'auto', environment: dev, metrics: calm, samples: 3 });
    assert.equal(d.strategy, 'balanced');
    assert.equal(d.basis, 'cold-start-rules');
    assert.match(d.reasons.join(' '), /cold start: 3 recorded outcomes/);
    assert.equal(d.levers.testScope, 'related');
    assert.deepEqual(d.probabilities, {});
  });

  it('production forces conservative (draft pull request, whole suite)', () => {
    const d = decideStrategy({ requested: 'auto', environment: prod, metrics: calm, samples: 100 });
    assert.equal(d.strategy, 'conservative');
    assert.equal(d.basis, 'override');
    assert.equal(d.levers.draftPr, true);
    assert.equal(d.levers.testScope, 'full');
    assert.match(d.reasons[0]!, /production \(branch main, host prod-runner-1\)/);
  });

  it('high CPU (>80%) or memory (>95%) forces conservative; at 80% exactly it does not', () => {
    assert.equal(decideStrategy({ requested: 'auto', environment: dev, metrics: { ...calm, cpuLoadPercent: 81 }, samples: 0 }).strategy, 'conservative');
    assert.equal(decideStrategy({ requested: 'auto', environment: dev, metrics: { ...calm, memoryUsedPercent: 96 }, samples: 0 }).strategy, 'conservative');
    assert.equal(decideStrategy({ requested: 'auto', environment: dev, metrics: { ...calm, cpuLoadPercent: 80 }, samples: 0 }).strategy, 'balanced');
  });

  it('critical resources block with a message that says what to free', () => {
    const memory = decideStrategy({ requested: 'aggressive', environment: dev, metrics: { ...calm, memoryUsedPercent: 99 }, samples: 0 });
    assert.equal(memory.basis, 'blocked');
    assert.match(memory.blocked!.message, /free memory/);
    const disk = decideStrategy({ requested: 'auto', environment: dev, metrics: { ...calm, diskFreeBytes: 100 * 1024 * 1024 }, samples: 0 });
    assert.match(disk.blocked!.message, /deploy-agent clean/);
  });

  it('an explicit request is obeyed, with a note in production; settings override single levers', () => {
    const d = decideStrategy({ requested: 'aggressive', environment: prod, metrics: calm, samples: 0, overrides: { aggressive: { repairRounds: 5 } } });
    assert.equal(d.strategy, 'aggressive');
    assert.equal(d.basis, 'requested');
    assert.equal(d.levers.repairRounds, 5);
    assert.match(d.reasons.join(' '), /looks like production/);
  });
});
