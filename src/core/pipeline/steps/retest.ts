import { existsSync } from 'node:fs';
import path from 'node:path';
import { DeployAgentError } from '../../errors';
import type { DeployStep, DeployStepContext, DeploymentState, Patch } from '../deployment-state';
import { assertTestsAcceptable } from './shared/accept-tests';
import { recordChangeDiff } from './shared/change-diff';
import { runGatesOnce } from './shared/quality-gates';
import { testRound } from './shared/test-round';
import { testCountsSummary } from './shared/test-summary';
import { skipped, type Skipped } from '../../flow/step';
import { plural } from '../../plural';

/**
 * A review-paused sandbox checked again: the user may have edited it (the diff editor's right
 * side is the sandbox file). Its tests run again, the strategy's type-check and lint gates run
 * once (no repair: no model runs during a review), and the change is scanned for credentials.
 * The files the change touches now — the model's and the user's — are what the tests' scope,
 * the gates, the report and the pull request see.
 *
 * Two uses, one step name (`retest`):
 *   - `reviewCheckStep`: the user's "Run tests again" (`Orchestrator.retest`); what failed is
 *     the result, the deployment keeps waiting for review;
 *   - `shipCheckStep`: the first step of `ship`; skipped when the sandbox is the tree that last
 *     passed, and a failure stops the ship before anything is committed.
 */
export const reviewCheckStep: DeployStep = {
  name: 'retest',
  run: (state, ctx) => checkSandbox(state, ctx, false),
  summary: (state) => checkSummary(state),
};

export const shipCheckStep: DeployStep = {
  name: 'retest',
  run: (state, ctx) => checkSandbox(state, ctx, true),
  summary: (state) => checkSummary(state),
};

async function checkSandbox(state: Readonly<DeploymentState>, ctx: DeployStepContext, gate: boolean): Promise<Patch | Skipped> {
  const { ports } = ctx;
  const sandbox = state.sandbox!;
  const before = await ports.snapshotSandbox(sandbox);
  const changed = before !== state.testedTree;
  if (gate && !changed) return skipped('the sandbox is unchanged since its tests passed');
  ctx.progress(changed ? 'the sandbox changed since its tests last passed: checking it again' : 'running the tests again');

  // The change as it is now: the files that differ from the base and still exist.
  const findings = await ports.review(state.repoRoot!, sandbox, state.before!);
  const filesWritten = findings.diffStat.paths.filter((file) => existsSync(path.join(sandbox.path, file)));
  const current: DeploymentState = { ...state, filesWritten };
  const tests = await testRound(current, ctx, state.testRounds);

  const problems: string[] = [];
  let code = 'REVIEW_CHECK_FAILED';
  try {
    assertTestsAcceptable(tests, current);
  } catch (error) {
    problems.push((error as Error).message);
    code = (error as DeployAgentError).code ?? code;
  }
  for (const gateResult of await runGatesOnce(current, ctx)) {
    if (gateResult.ok) continue;
    problems.push(`${gateResult.command} found ${plural(gateResult.problems.length, 'problem')} in the change: ${gateResult.problems.slice(0, 5).join('; ')}.`);
    if (code === 'REVIEW_CHECK_FAILED') code = 'QUALITY_GATE_FAILED';
  }
  if (findings.secrets.length) {
    problems.push(`The change contains what looks like credentials: ${findings.secrets.map((s) => `${s.path}${s.line ? `:${s.line}` : ''} (${s.kind})`).join(', ')}.`);
    code = 'CREDENTIALS_IN_CHANGE';
  }

  // What the tests left in the sandbox is part of what was checked.
  const tree = await ports.snapshotSandbox(sandbox);
  const ok = problems.length === 0;
  if (ok) await recordChangeDiff(current, ctx, tree);
  else ctx.log('warn', `The review check failed: ${problems.join(' ')}`);
  if (gate && !ok) {
    throw new DeployAgentError(code, `Nothing was committed: the sandbox does not pass its checks. ${problems.join(' ')}`, `The change waits for review again: fix it in ${sandbox.path}, run the tests again (deploy-agent retest ${state.id}), then ship it.`, {
      details: { problems },
    });
  }
  return {
    tests,
    testRounds: state.testRounds + 1,
    filesWritten,
    review: findings,
    lastCheck: { tree, ok, problems, changed, at: ctx.now() },
    ...(ok ? { testedTree: tree } : {}),
  };
}

function checkSummary(state: Readonly<DeploymentState>): string | undefined {
  const counts = testCountsSummary(state);
  if (!state.lastCheck) return counts;
  return `${state.lastCheck.ok ? 'passed' : 'failed'}${counts ? `: ${counts}` : ''}`;
}
