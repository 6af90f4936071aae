import { DeployAgentError } from '../../../errors';
import type { GateResult } from '../../../testing/quality-gates';
import type { DeployStepContext, DeploymentState, Patch } from '../../deployment-state';
import type { RecoveryRecord } from '../../ports';
import { assertTestsAcceptable } from './accept-tests';
import { addUsage, phaseFailed, runModelPhase, union } from './model-phase';
import { testRound } from './test-round';
import { keepingUserFiles } from './user-files';
import { plural } from '../../../plural';

/**
 * The strategy's type-check and lint gates, after the tests passed and before the review. Problems
 * in the change are repaired like failing tests, within the strategy's repair rounds left over:
 * a fix round gets the problems as its failing output, then the tests and the gates run again.
 * Returns what the repairs changed (nothing when the gates passed at once).
 */
export async function qualityGates(state: DeploymentState, ctx: DeployStepContext): Promise<Patch> {
  const { ports } = ctx;
  if (!gatesWanted(state, ctx)) return {};
  const limit = state.levers?.repairRounds ?? 0;
  let current = state;
  let patch: Patch = {};
  let lastRound: { patternId: string | undefined; started: number; answered: RecoveryRecord['answered'] } | undefined;
  for (;;) {
    const results = await runGatesOnce(current, ctx);
    const failed = results.filter((r) => !r.ok);
    if (lastRound) {
      ports.recordRecovery?.({ deploymentId: current.id, patternId: lastRound.patternId, action: 'fix', automatic: true, round: current.repairs, answered: lastRound.answered, succeeded: !failed.length, durationMs: ctx.now() - lastRound.started });
    }
    if (!failed.length) return patch;
    const problems = failed.map((r) => `${r.command} found ${plural(r.problems.length, 'problem')} in the change: ${r.problems.slice(0, 5).join('; ')}`).join('. ');
    if (current.repairs >= limit) {
      throw new DeployAgentError(
        'QUALITY_GATE_FAILED',
        limit > 0 ? `${problems} (after ${current.repairs} of ${plural(limit, 'repair round')}).` : problems,
        `Keep the worktree (--keep-worktree) and fix them, allow more repair rounds, or turn the gate off for the strategy (deployAgent.strategy.levers: { "${current.levers?.name}": { "${failed[0]!.gate}Gate": false } }).`,
        { details: { gates: failed.map(({ output: _output, ...rest }) => rest) } },
      );
    }
    const failingOutput = failed.map((r) => `${r.command} found these problems in files of the change:\n${r.problems.join('\n')}`).join('\n\n');
    const pattern = ports.matchErrorPattern(failingOutput);
    const gatesFailed = failed.map((r) => r.gate);
    lastRound = { patternId: pattern?.id, started: ctx.now(), answered: gatesFailed.length > 1 ? 'typecheck and lint' : gatesFailed[0] };
    ctx.progress(`repair round ${current.repairs + 1} of ${limit}: ${failed.map((r) => r.gate).join(' and ')} problems`);
    const outcome = await runModelPhase(current, ctx, 'fix', { failingOutput, errorPattern: pattern });
    if (!outcome.ok) {
      ports.recordRecovery?.({ deploymentId: current.id, patternId: pattern?.id, action: 'fix', automatic: true, round: current.repairs + 1, answered: lastRound.answered, succeeded: false, durationMs: ctx.now() - lastRound.started });
      throw phaseFailed('fix', outcome);
    }
    current = { ...current, repairs: current.repairs + 1, usage: addUsage(current.usage, outcome), filesWritten: union(current.filesWritten, outcome.filesWritten) };
    const tests = await testRound(current, ctx, current.testRounds);
    current = { ...current, tests, testRounds: current.testRounds + 1 };
    patch = { repairs: current.repairs, usage: current.usage, filesWritten: current.filesWritten, tests, testRounds: current.testRounds };
    // The fix must not break what passed: the tests are held to the same bar as before the gates.
    assertTestsAcceptable(tests, current);
  }
}

function gatesWanted(state: DeploymentState, ctx: DeployStepContext): { typecheck: boolean; lint: boolean } | undefined {
  const gates = { typecheck: Boolean(state.levers?.typecheckGate), lint: Boolean(state.levers?.lintGate) };
  return ctx.ports.runQualityGates && (gates.typecheck || gates.lint) ? gates : undefined;
}

/** One run of the strategy's gates on the change, each result recorded (`quality.gate`); no repair. Empty when the strategy has none. */
export async function runGatesOnce(state: DeploymentState, ctx: DeployStepContext): Promise<GateResult[]> {
  const gates = gatesWanted(state, ctx);
  if (!gates) return [];
  ctx.progress(`running the ${[gates.typecheck && 'type check', gates.lint && 'linter'].filter(Boolean).join(' and ')} on the change`);
  const results = await keepingUserFiles(state, ctx, 'the quality gates', () =>
    ctx.ports.runQualityGates!(state.sandbox!, { deploymentId: state.id, repoRoot: state.repoRoot!, gates, filesWritten: state.filesWritten, timeLimitMs: state.levers?.timeLimitMs ?? 600_000, signal: ctx.signal }),
  );
  for (const r of results) {
    const { output, ...summary } = r;
    ctx.record('quality.gate', { ...summary, output: output.slice(-4000) });
    if (r.skipped) ctx.log('info', `${r.gate} gate skipped: ${r.skipped}.`);
    else if (r.preexisting) ctx.log('warn', `${r.command}: ${plural(r.preexisting, 'problem')} in files this deployment did not touch (not held against it).`);
  }
  return results;
}
