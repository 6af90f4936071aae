import type { ReleaseOutcome } from '../core/release/releaser';
import type { ReleaseStepName } from '../core/release/release-state';
import type { CliContext } from './context';
import { CANCELLED_EXIT } from './deployment-runner';
import { printJson } from './output';
import { CliExit } from './program';

export type ReleaseRun =
  | { kind: 'release'; input: import('../core/release/releaser').ReleaseInput }
  | { kind: 'rollback'; input: import('../core/release/releaser').RollbackInput }
  | { kind: 'resume'; id: string };

/**
 * Runs a release (new, resumed, or a rollback) for the CLI: live steps on stderr, Ctrl-C cancels
 * (what was switched is switched back), the outcome on stdout (one JSON object with --json), exit
 * 0 only when it succeeded.
 */
export async function runRelease(ctx: CliContext, run: ReleaseRun, options: { json: boolean; workspace: string }): Promise<void> {
  const { store } = ctx.openStore();
  const [{ Releaser }, { releaseStepTitle }, { attachProgress }] = await Promise.all([import('../core/release/releaser'), import('../core/release/release-state'), import('./progress')]);
  const config = ctx.config(options.workspace);
  const releaser = new Releaser({ store, env: ctx.env, successBar: config.get<number>('strategy.successBar'), onStepStarted: testKillAtStep(ctx.env) });
  const detachKill = testKillOn(ctx.env, releaser.events);
  const detach = attachProgress(releaser.events, { titleOf: releaseStepTitle });
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      process.stderr.write('\nforced exit\n');
      process.exit(CANCELLED_EXIT);
    }
    process.stderr.write(`\ncancelling (${signal}): what was switched is switched back; press Ctrl-C again to exit at once…\n`);
    controller.abort(new Error(`interrupted by ${signal}`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let outcome: ReleaseOutcome;
  try {
    outcome =
      run.kind === 'release' ? await releaser.release(run.input, controller.signal) : run.kind === 'rollback' ? await releaser.rollback(run.input, controller.signal) : await releaser.resume(run.id, controller.signal);
  } finally {
    detach();
    detachKill();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  if (options.json) printJson(outcome);
  else {
    process.stdout.write(formatRelease(outcome));
    if (outcome.error) {
      process.stderr.write(`error [${outcome.error.code}]: ${outcome.error.message}\n`);
      if (outcome.error.hint) process.stderr.write(`  → ${outcome.error.hint}\n`);
    }
  }
  if (outcome.status !== 'succeeded') throw new CliExit(outcome.status === 'cancelled' ? CANCELLED_EXIT : 1);
}

export function formatRelease(o: ReleaseOutcome): string {
  const what = o.mode === 'rollback' ? `Rollback ${o.id}` : `Release ${o.id}`;
  const lines = [
    `${what}: ${o.status}`,
    `  target    ${o.target} (${o.environment}), ${whereTo(o)}`,
    `  release   ${o.release}${o.commit ? ` (commit ${o.commit.slice(0, 12)}${o.mode === 'release' ? ` of ${o.ref}` : ''})` : ''}`,
  ];
  if (o.strategy) lines.push(`  strategy  ${o.strategy.name}: batches of ${o.strategy.batchSize}, watched ${o.strategy.watchMinutes} min`);
  for (const [host, h] of Object.entries(o.hosts ?? {})) {
    const health = o.health?.[host];
    lines.push(`  ${host.padEnd(9)} ${h.previous ? `was ${h.previous}` : 'first release'}${health ? `; health ${health.status} in ${health.ms} ms` : ''}`);
  }
  if (o.resumedFrom) lines.push(`  resumed   at ${o.resumedFrom}`);
  if (o.report?.markdown) lines.push(`  report    ${o.report.markdown}`);
  lines.push(`  duration  ${(o.durationMs / 1000).toFixed(1)} s`);
  for (const warning of o.warnings) lines.push(`  warning: ${warning}`);
  return lines.join('\n') + '\n';
}

/** Where a release went: this machine, or its hosts (known from the target even when none was reached). */
export function whereTo(o: Pick<ReleaseOutcome, 'targetType' | 'targetHosts'>): string {
  if (o.targetType === 'local') return 'this machine';
  const hosts = o.targetHosts;
  return hosts.length <= 3 ? hosts.join(', ') : `${hosts.length} hosts (${hosts.slice(0, 2).join(', ')}, …)`;
}

/** Test hook of the crash/resume tests: die like `kill -9` as soon as the named step has started. */
function testKillAtStep(env: NodeJS.ProcessEnv): ((step: ReleaseStepName) => void) | undefined {
  const at = env.DEPLOY_AGENT_TEST_KILL_AT_STEP;
  return at ? (step) => void (step === at && process.kill(process.pid, 'SIGKILL')) : undefined;
}

/** Test hook: die like `kill -9` at the first event whose JSON matches the pattern (mid-upload, mid-install). */
function testKillOn(env: NodeJS.ProcessEnv, bus: { on(listener: (event: unknown) => void): () => void }): () => void {
  const pattern = env.DEPLOY_AGENT_TEST_KILL_ON;
  if (!pattern) return () => undefined;
  const regex = new RegExp(pattern);
  return bus.on((event) => {
    if (regex.test(JSON.stringify(event))) process.kill(process.pid, 'SIGKILL');
  });
}
