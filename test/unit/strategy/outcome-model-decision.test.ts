import assert from 'node:assert/strict';
import type { HistoryStore } from '../../../src/core/store/database';
import { DeploymentsRepository } from '../../../src/core/store/deployments';
import { decideStrategy } from '../../../src/core/strategy/decide';
import { detectEnvironment } from '../../../src/core/strategy/environment';
import { decideForDeployment } from '../../../src/core/strategy/model-decision';
import { maybeRetrain } from '../../../src/core/strategy/retrain';
import type { MetricsReading, StrategyName } from '../../../src/core/strategy/types';
import { useTempStore } from '../../support/temp-store';

const dev = detectEnvironment({ env: {}, branch: 'feature/x', hostname: 'x', fileExists: () => false });
// Production as CI on main sees it (on a developer machine the branch alone is no evidence).
const prod = detectEnvironment({ env: { GITHUB_ACTIONS: 'true' }, branch: 'main', hostname: 'prod-runner-1', fileExists: () => false });
const calm: MetricsReading = { cpuLoadPercent: 20, memoryUsedPercent: 40, diskFreeBytes: 50e9 };
const REPO = '/repos/app';

/** Deployments with outcomes, one a minute, in `REPO`. */
function seed(store: HistoryStore, outcomes: { strategy: StrategyName; ok: boolean }[], start = 1_700_000_000_000): void {
  const repo = new DeploymentsRepository(store.db);
  repo.insertMany(
    outcomes.map((o, i) => ({
      id: `d${start + i}`,
      repoPath: REPO,
      title: `change ${i}`,
      createdAt: start + i * 60_000,
      status: o.ok ? 'succeeded' : 'failed',
      strategy: o.strategy,
      environment: 'development',
      category: 'feature',
    })),
  );
}

describe('strategy decisions with the outcome model (pure rules)', () => {
  const model = (p: Record<StrategyName, number>) => ({ version: 3, trainingSize: 120, probabilities: p });

  it('the cheapest strategy whose P(success) clears the bar; reasons name the probabilities', () => {
    const d = decideStrategy({ requested: 'auto', environment: dev, metrics: calm, samples: 120, model: model({ aggressive: 0.6, balanced: 0.75, conservative: 0.9 }) });
    assert.equal(d.strategy, 'balanced');
    assert.equal(d.basis, 'model');
    assert.equal(d.modelVersion, 3);
    assert.deepEqual(d.probabilities, { aggressive: 0.6, balanced: 0.75, conservative: 0.9 });
    assert.match(d.reasons.join(' '), /aggressive 0\.60, balanced 0\.75, conservative 0\.90/);
    assert.match(d.reasons.join(' '), /balanced is the cheapest strategy whose P\(success\) 0\.75 clears the bar 0\.7/);
  });

  it('none clears the bar → conservative; the bar is configurable', () => {
    const p = { aggressive: 0.5, balanced: 0.55, conservative: 0.6 };
    const none = decideStrategy({ requested: 'auto', environment: dev, metrics: calm, samples: 50, model: model(p) });
    assert.equal(none.strategy, 'conservative');
    assert.match(none.reasons.join(' '), /no strategy clears the bar 0\.7/);
    assert.equal(decideStrategy({ requested: 'auto', environment: dev, metrics: calm, samples: 50, model: model(p), successBar: 0.5 }).strategy, 'aggressive');
  });

  it('safety overrides beat a model that predicts success; the overruled probabilities are kept', () => {
    const sure = model({ aggressive: 0.99, balanced: 0.99, conservative: 0.99 });
    const inProd = decideStrategy({ requested: 'auto', environment: prod, metrics: calm, samples: 500, model: sure });
    assert.equal(inProd.strategy, 'conservative');
    assert.equal(inProd.basis, 'override');
    assert.equal(inProd.probabilities.aggressive, 0.99);
    assert.match(inProd.reasons.join(' '), /model \(v3\) was overruled/);
    assert.equal(decideStrategy({ requested: 'auto', environment: dev, metrics: { ...calm, cpuLoadPercent: 85 }, samples: 500, model: sure }).strategy, 'conservative');
    assert.equal(decideStrategy({ requested: 'auto', environment: dev, metrics: { ...calm, memoryUsedPercent: 96 }, samples: 500, model: sure }).strategy, 'conservative');
    assert.equal(decideStrategy({ requested: 'auto', environment: dev, metrics: { ...calm, memoryUsedPercent: 99 }, samples: 500, model: sure }).basis, 'blocked');
  });

  it('below 20 samples the documented rules decide even with a model; at 20 without a model, the rules say why', () => {
    const cold = decideStrategy({ requested: 'auto', environment: dev, metrics: calm, samples: 19, model: model({ aggressive: 0.99, balanced: 0.99, conservative: 0.99 }) });
    assert.equal(cold.strategy, 'balanced');
    assert.equal(cold.basis, 'cold-start-rules');
    assert.deepEqual(cold.probabilities, {});
    assert.equal(cold.modelVersion, undefined);
    const noModel = decideStrategy({ requested: 'auto', environment: dev, metrics: calm, samples: 20 });
    assert.equal(noModel.strategy, 'balanced');
    assert.equal(noModel.basis, 'model-fallback');
    assert.match(noModel.reasons[0]!, /no outcome model has been trained yet/);
  });
});

describe('decideForDeployment: the stored model scores each candidate strategy', function () {
  this.timeout(60000);
  const temp = useTempStore();

  it('a model trained on only successes predicts high success, yet production and high CPU still get conservative', async () => {
    seed(temp.store, Array.from({ length: 24 }, () => ({ strategy: 'aggressive' as const, ok: true })));
    const trained = await maybeRetrain(temp.store, { trigger: 'manual', runner: 'in-process', now: 1 });
    assert.equal(trained.retrained, true, trained.reason);
    const free = decideForDeployment(temp.store, { repoPath: REPO, requested: 'auto', environment: dev, metrics: calm, now: 1_800_000_000_000 });
    assert.equal(free.basis, 'model');
    assert.equal(free.strategy, 'aggressive');
    assert.ok(free.probabilities.aggressive! >= 0.9, JSON.stringify(free.probabilities));
    assert.equal(free.modelVersion, trained.version);

    const inProd = decideForDeployment(temp.store, { repoPath: REPO, requested: 'auto', environment: prod, metrics: calm, now: 1_800_000_000_000 });
    assert.equal(inProd.strategy, 'conservative');
    assert.equal(inProd.basis, 'override');
    assert.ok(inProd.probabilities.aggressive! >= 0.9);
    const busy = decideForDeployment(temp.store, { repoPath: REPO, requested: 'auto', environment: dev, metrics: { ...calm, cpuLoadPercent: 90 }, now: 1_800_000_000_000 });
    assert.equal(busy.strategy, 'conservative');
    assert.equal(busy.basis, 'override');
  });

  it('learns that aggressive fails where balanced succeeds, and picks balanced', async () => {
    // Strategies in a scrambled order, so that only the strategy (not the previous outcome) tells the result.
    let r = 7;
    const next = () => (r = (r * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    seed(temp.store, Array.from({ length: 60 }, () => (next() < 0.5 ? { strategy: 'balanced' as const, ok: true } : { strategy: 'aggressive' as const, ok: false })));
    await maybeRetrain(temp.store, { trigger: 'manual', runner: 'in-process' });
    const d = decideForDeployment(temp.store, { repoPath: REPO, requested: 'auto', environment: dev, metrics: calm, recommendation: { title: 't', description: 'd', category: 'feature' }, now: 1_800_000_000_000 });
    assert.ok(d.probabilities.aggressive! < 0.7, JSON.stringify(d.probabilities));
    assert.ok(d.probabilities.balanced! >= 0.7, JSON.stringify(d.probabilities));
    assert.equal(d.strategy, 'balanced');
  });

  it('below 20 samples: the rules, not the model, even when one is stored', async () => {
    seed(temp.store, Array.from({ length: 12 }, () => ({ strategy: 'aggressive' as const, ok: true })));
    await maybeRetrain(temp.store, { trigger: 'manual', runner: 'in-process' });
    const d = decideForDeployment(temp.store, { repoPath: REPO, requested: 'auto', environment: dev, metrics: calm });
    assert.equal(d.basis, 'cold-start-rules');
    assert.equal(d.strategy, 'balanced');
    assert.equal(d.samples, 12);
  });

  it('logs the decision with its inputs (known-before features), probabilities and reasons; a preview is not logged', async () => {
    seed(temp.store, Array.from({ length: 22 }, (_, i) => ({ strategy: 'balanced' as const, ok: i % 4 !== 0 })));
    await maybeRetrain(temp.store, { trigger: 'manual', runner: 'in-process' });
    new DeploymentsRepository(temp.store.db).insert({ id: 'now', repoPath: REPO, title: 'next', createdAt: 1_800_000_000_000, status: 'running' });
    decideForDeployment(temp.store, { repoPath: REPO, requested: 'auto', environment: dev, metrics: calm, now: 1_800_000_000_000 });
    assert.equal((temp.store.db.prepare('SELECT count(*) AS n FROM decisions').get() as { n: number }).n, 0, 'a preview is not logged');
    const d = decideForDeployment(temp.store, {
      repoPath: REPO,
      deploymentId: 'now',
      requested: 'auto',
      environment: dev,
      metrics: calm,
      recommendation: { title: 'Add login', description: 'a login page with a form', targetFiles: ['a.ts', 'b.ts'], integrationPoints: { existingSystems: ['auth'] }, category: 'feature' },
      context: { mode: 'local-commit' },
      now: 1_800_000_000_000,
    });
    const row = temp.store.db.prepare(`SELECT chosen, inputs, probabilities, reason FROM decisions WHERE deployment_id = 'now' AND kind = 'strategy'`).get() as { chosen: string; inputs: string; probabilities: string; reason: string };
    assert.equal(row.chosen, d.strategy);
    const inputs = JSON.parse(row.inputs);
    assert.equal(inputs.basis, 'model');
    assert.equal(inputs.modelVersion, 1);
    assert.equal(inputs.mode, 'local-commit');
    assert.equal(inputs.successBar, 0.7);
    assert.deepEqual(
      { files: inputs.features.filesChanged, points: inputs.features.integrationPoints, env: inputs.features.environment, cpu: inputs.features.cpuLoadPercent, category: inputs.features.category },
      { files: 2, points: 1, env: 0, cpu: 20, category: 0 },
    );
    assert.deepEqual(Object.keys(JSON.parse(row.probabilities)).sort(), ['aggressive', 'balanced', 'conservative']);
    assert.match(row.reason, /model v1 .*P\(success\) aggressive/);
  });
});
