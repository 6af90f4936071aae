import type { DeploymentOutcome, Orchestrator } from '../core/pipeline/orchestrator';
import type { DeployRequest, ShipMode } from '../core/pipeline/ports';
import { outcomeMessage, sentence } from '../core/pipeline/outcome-message';
import type { CliContext } from './context';
import { printJson } from './output';
import { plural } from '../core/plural';
import { CliExit } from './program';

export type RunInput =
  | { kind: 'deploy'; request: DeployRequest; workspace: string; json: boolean; verbose: boolean }
  | { kind: 'resume'; id: string; json: boolean; verbose: boolean }
  | { kind: 'ship'; id: string; mode: ShipMode; json: boolean; verbose: boolean }
  | { kind: 'discard'; id: string; json: boolean; verbose: boolean };

/** Exit code of a cancelled deployment (128 + SIGINT, as shells report Ctrl-C). */
export const CANCELLED_EXIT = 130;

/**
 * Runs a deployment (new, resumed, shipped or discarded after its review) for the CLI: live
 * progress on stderr, Ctrl-C cancels cleanly (a second Ctrl-C exits at once), the outcome printed
 * (one JSON object with --json), exit 0 only when the goal was reached (a discard's is the discard).
 */
export async function runDeployment(ctx: CliContext, input: RunInput): Promise<void> {
  const outcome = await withOrchestrator(ctx, input.verbose, (orchestrator, signal) => {
    switch (input.kind) {
      case 'deploy':
        return orchestrator.deploy(input.request, signal);
      case 'resume':
        return orchestrator.resume(input.id, signal);
      case 'ship':
        return orchestrator.ship(input.id, input.mode, signal);
      case 'discard':
        return orchestrator.discard(input.id, signal);
    }
  });
  const goalReached = outcome.goalReached || (input.kind === 'discard' && outcome.status === 'cancelled' && outcome.error === null);
  if (input.json) {
    printJson({ ...outcomeJson(outcome), goalReached });
  } else {
    process.stdout.write(formatOutcome(outcome, input.kind === 'discard' ? 'discarded: its sandbox and branch are removed' : undefined));
    // The failure's message once, with what to do (the progress above named only the step and the code).
    if (outcome.status === 'cancelled') {
      const { headline, hint } = outcomeMessage(outcome);
      process.stderr.write(`${headline}${hint ? ` ${hint}` : ''}\n`);
    } else if (outcome.error) {
      process.stderr.write(`error [${outcome.error.code}]: ${sentence(outcome.error.message)}\n`);
      if (outcome.error.hint) process.stderr.write(`  → ${sentence(outcome.error.hint)}\n`);
    }
  }
  if (!goalReached) throw new CliExit(outcome.status === 'cancelled' ? CANCELLED_EXIT : 1);
}

/**
 * An orchestrator over the real ports for one command, with progress on stderr and Ctrl-C
 * cancelling its signal (a second Ctrl-C exits at once); everything is detached afterwards.
 */
export async function withOrchestrator<T>(ctx: CliContext, verbose: boolean, work: (orchestrator: Orchestrator, signal: AbortSignal) => Promise<T>): Promise<T> {
  const { store } = ctx.openStore();
  const [{ Orchestrator }, { createRealPorts }, { attachProgress }] = await Promise.all([
    import('../core/pipeline/orchestrator'),
    import('../core/pipeline/real-ports'),
    import('./progress'),
  ]);
  const killAt = ctx.env.DEPLOY_AGENT_TEST_KILL_AT_STEP;
  const cancelAt = ctx.env.DEPLOY_AGENT_TEST_CANCEL_AT_STEP;
  const orchestrator = new Orchestrator({
    db: store.db,
    ports: createRealPorts({ store, env: ctx.env, config: (dir) => ctx.config(dir) }),
    // Test hooks for the crash/resume and cancel tests: die like `kill -9`, or be interrupted like Ctrl-C, as soon as the named step has started.
    onStepStarted:
      killAt || cancelAt
        ? (step) => {
            if (step === killAt) process.kill(process.pid, 'SIGKILL');
            if (step === cancelAt) process.kill(process.pid, 'SIGINT');
          }
        : undefined,
  });
  const detach = attachProgress(orchestrator.events, { verbose });
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      process.stderr.write('\nforced exit\n');
      process.exit(CANCELLED_EXIT);
    }
    process.stderr.write(`\ncancelling (${signal}); press Ctrl-C again to exit at once…\n`);
    controller.abort(new Error(`interrupted by ${signal}`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await work(orchestrator, controller.signal);
  } finally {
    detach();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

export function outcomeJson(outcome: DeploymentOutcome): Record<string, unknown> {
  return {
    id: outcome.id,
    status: outcome.status,
    mode: outcome.mode,
    goalReached: outcome.goalReached,
    branch: outcome.branch,
    commit: outcome.commit,
    prUrl: outcome.prUrl,
    tests: outcome.tests,
    repairs: outcome.repairs,
    durationMs: outcome.durationMs,
    worktree: outcome.worktree,
    report: outcome.report,
    resumedFrom: outcome.resumedFrom,
    warnings: outcome.warnings,
    error: outcome.error,
  };
}

function formatOutcome(o: DeploymentOutcome, goal?: string): string {
  const lines = [
    // A failure's code on stdout too (`deploy … > out.txt` keeps why); its message and what to do go to stderr once.
    `Deployment ${o.id}: ${o.status}${goal ? ` — ${goal}` : o.goalReached ? ` — ${o.goal}` : o.error ? ` (${o.error.code}; the reason is on stderr)` : ''}`,
    `  mode      ${o.mode}`,
    `  tests     ${o.tests.passed} passed, ${o.tests.failed} failed, ${o.tests.skipped} skipped; ${plural(o.repairs, 'repair round')}`,
  ];
  if (o.branch) lines.push(`  branch    ${o.branch}`);
  if (o.commit) lines.push(`  commit    ${o.commit}`);
  if (o.prUrl) lines.push(`  pull req  ${o.prUrl}`);
  if (o.worktree) lines.push(`  worktree  ${o.worktree} (${o.status === 'awaiting-review' ? 'the change under review' : 'kept'})`);
  if (o.report?.markdown) lines.push(`  report    ${o.report.markdown}`);
  lines.push(`  duration  ${(o.durationMs / 1000).toFixed(1)} s`);
  for (const warning of o.warnings) lines.push(`  warning: ${warning}`);
  if (o.status === 'awaiting-review') {
    lines.push(`  next      review it (edit in the worktree if you like; \`deploy-agent retest ${o.id}\` runs its tests again),`, `            then \`deploy-agent ship ${o.id} --mode local-commit|full-pr\` or \`deploy-agent discard ${o.id}\``);
  }
  return lines.join('\n') + '\n';
}
