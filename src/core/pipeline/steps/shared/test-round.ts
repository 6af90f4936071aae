import type { DeployStepContext, DeploymentState } from '../../deployment-state';
import type { TestRunOutcome } from '../../ports';
import { configTestRound, deploymentConfigOf } from './deployment-config';
import { keepingUserFiles } from './user-files';

/** One run of the tests in the sandbox, recorded in test_runs (against the step running it) and published as `test.result`. */
export async function testRound(state: DeploymentState, ctx: DeployStepContext, round: number): Promise<TestRunOutcome> {
  ctx.progress(round === 0 ? 'running the tests' : `re-running the tests (round ${round + 1})`);
  const config = deploymentConfigOf(state, ctx);
  const tests = await keepingUserFiles(state, ctx, 'the tests', () =>
    config ? configTestRound(config, state, ctx) : ctx.ports.runTests(state.sandbox!, { deploymentId: state.id, repoRoot: state.repoRoot!, context: state.context!, levers: state.levers!, filesWritten: state.filesWritten, signal: ctx.signal }),
  );
  ctx.testRuns.insert({
    deploymentId: state.id,
    stepId: ctx.stepId,
    framework: tests.framework ?? null,
    command: tests.command ?? null,
    passed: tests.counts.passed,
    failed: tests.counts.failed,
    skipped: tests.counts.skipped,
    durationMs: tests.durationMs,
    coverage: tests.coverage ?? null,
    output: tests.output.slice(0, 64 * 1024),
    createdAt: ctx.now(),
  });
  ctx.emit({
    type: 'test.result',
    deploymentId: state.id,
    ts: ctx.now(),
    round,
    counts: tests.counts,
    durationMs: tests.durationMs,
    failures: tests.failures.slice(0, 20),
    ...(tests.command ? { command: tests.command } : {}),
  });
  return tests;
}

export function needsRepair(tests: TestRunOutcome): boolean {
  return tests.counts.failed > 0 || Boolean(tests.error);
}
