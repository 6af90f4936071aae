import type { DeployStep, DeployStepContext } from '../deployment-state';
import type { ErrorPatternMatch } from '../ports';
import { addUsage, phaseFailed, runModelPhase, union } from './shared/model-phase';
import { needsRepair, testRound } from './shared/test-round';
import { testCountsSummary } from './shared/test-summary';
import { plural } from '../../plural';
import { skipped } from '../../flow/step';

/**
 * Repairs failing tests: up to the strategy's repair rounds of agent phase `fix` (fed the failing
 * output and the matching error pattern), each followed by a test round and recorded as a
 * recovery; when the tests still fail, one more round on the next provider (escalation).
 * Skipped when the tests passed.
 */
export const repairStep: DeployStep = {
  name: 'repair',
  async run(state, ctx) {
    const { ports } = ctx;
    let tests = state.tests!;
    if (!needsRepair(tests)) return skipped('the tests passed, nothing to repair');
    const limit = state.levers?.repairRounds ?? 0;
    let repairs = 0;
    let usage = state.usage;
    let filesWritten = state.filesWritten;
    let rounds = state.testRounds;
    while (needsRepair(tests) && repairs < limit) {
      const pattern = ports.matchErrorPattern(tests.output || tests.error || '');
      const roundStarted = ctx.now();
      ctx.progress(`repair round ${repairs + 1} of ${limit}${pattern ? ` (pattern ${pattern.id})` : ''}`);
      announceRound(state.id, ctx, { round: repairs + 1, limit, escalation: false, failing: tests.output || tests.error || '', pattern });
      const outcome = await runModelPhase(state, ctx, 'fix', { failingOutput: tests.output || tests.error, errorPattern: pattern });
      repairs++;
      usage = addUsage(usage, outcome);
      filesWritten = union(filesWritten, outcome.filesWritten);
      if (!outcome.ok) {
        ports.recordRecovery?.({ deploymentId: state.id, patternId: pattern?.id, action: 'fix', automatic: true, round: repairs, succeeded: false, durationMs: ctx.now() - roundStarted });
        throw phaseFailed('fix', outcome);
      }
      tests = await testRound(state, ctx, rounds);
      rounds++;
      ports.recordRecovery?.({ deploymentId: state.id, patternId: pattern?.id, action: 'fix', automatic: true, round: repairs, succeeded: !needsRepair(tests), durationMs: ctx.now() - roundStarted });
    }
    // Escalation: the rounds on one model left the tests failing; one more round on the next provider.
    const last = { provider: usage.provider, model: usage.model };
    if (needsRepair(tests) && repairs > 0 && last.provider && last.model && ports.canEscalate(state.repoRoot!, { provider: last.provider, model: last.model })) {
      const from = { provider: last.provider, model: last.model };
      const escalationStarted = ctx.now();
      const escalationPattern = ports.matchErrorPattern(tests.output || tests.error || '');
      ctx.progress(`escalating the repair from ${from.provider} (${from.model}) to the next provider`);
      announceRound(state.id, ctx, { round: repairs + 1, limit, escalation: true, failing: tests.output || tests.error || '', pattern: escalationPattern });
      const outcome = await runModelPhase(state, ctx, 'fix', { failingOutput: tests.output || tests.error, errorPattern: escalationPattern, escalateFrom: from });
      usage = addUsage(usage, outcome);
      if (outcome.ok) {
        repairs++;
        filesWritten = union(filesWritten, outcome.filesWritten);
        tests = await testRound(state, ctx, rounds);
        rounds++;
        ports.recordRecovery?.({ deploymentId: state.id, patternId: escalationPattern?.id, action: 'escalate', automatic: true, round: repairs, succeeded: !needsRepair(tests), durationMs: ctx.now() - escalationStarted });
      } else {
        ctx.log('warn', `Escalation was not possible: ${outcome.summary}`);
      }
    }
    const treeAfterRepair = await ports.snapshotSandbox(state.sandbox!);
    return { tests, repairs, usage, filesWritten, testRounds: rounds, treeAfterRepair };
  },
  summary: (state) => testCountsSummary(state, true),
  // The rounds are used up and tests still fail: the review refuses the change, so this is no success to tick off.
  attention: (state) => (state.tests && needsRepair(state.tests) ? `tests still fail after ${plural(state.repairs, 'repair round')}` : undefined),
};

/** The failing output a repair round answers, as the panel shows it (the end of it, where the failures are reported). */
const FAILING_OUTPUT_SHOWN = 4000;

function announceRound(deploymentId: string, ctx: DeployStepContext, round: { round: number; limit: number; escalation: boolean; failing: string; pattern: ErrorPatternMatch | undefined }): void {
  const { failing, pattern } = round;
  ctx.emit({
    type: 'repair.round',
    deploymentId,
    ts: ctx.now(),
    round: round.round,
    limit: round.limit,
    escalation: round.escalation,
    failingOutput: failing.length > FAILING_OUTPUT_SHOWN ? `…${failing.slice(-FAILING_OUTPUT_SHOWN)}` : failing,
    ...(pattern ? { pattern: { id: pattern.id, explanation: pattern.explanation, ...(pattern.category ? { category: pattern.category } : {}) } } : {}),
  });
}
