import os from 'node:os';
import type Database from 'better-sqlite3';
import { DeployAgentError } from '../../errors';
import type { ContextInfo, DeployMode, StrategyChoice, StrategyLevers } from '../ports';
import { detectFramework } from './test-runner';

/**
 * Interim circuit breaker, strategy, context and error patterns (until src/core/pipeline/
 * circuit-breaker.ts, src/core/strategy, src/core/analysis and src/core/recovery land).
 */
const WINDOW = 10;
const MIN_SAMPLES = 5;
const FAILURE_RATE = 0.6;
const COOLDOWN_MS = 30 * 60 * 1000;

export function checkCircuitBreaker(db: Database.Database, repoRoot: string, input: { deploymentId: string; forceReason?: string }, now = Date.now()): { state: string; forced: boolean } {
  const recent = db
    .prepare(`SELECT status, finished_at AS finishedAt FROM deployments WHERE repo_path = ? AND id != ? AND status IN ('succeeded','failed','rolled_back') ORDER BY finished_at DESC LIMIT ?`)
    .all(repoRoot, input.deploymentId, WINDOW) as { status: string; finishedAt: number | null }[];
  const failures = recent.filter((r) => r.status !== 'succeeded');
  const rate = recent.length ? failures.length / recent.length : 0;
  const lastFailure = failures[0]?.finishedAt ?? 0;
  const open = recent.length >= MIN_SAMPLES && rate >= FAILURE_RATE && now - lastFailure < COOLDOWN_MS;
  if (!open) return { state: 'closed', forced: false };
  if (input.forceReason) {
    db.prepare(`INSERT INTO decisions (deployment_id, kind, chosen, inputs, reason, created_at) VALUES (?, 'circuit-override', 'forced', ?, ?, ?)`).run(
      input.deploymentId,
      JSON.stringify({ rate, window: recent.length }),
      input.forceReason,
      now,
    );
    return { state: 'open', forced: true };
  }
  const reopensAt = new Date(lastFailure + COOLDOWN_MS).toISOString();
  throw new DeployAgentError(
    'CIRCUIT_OPEN',
    `The circuit breaker for this repository is open: ${failures.length} of its last ${recent.length} deployments failed.`,
    `It closes at ${reopensAt}. To deploy anyway, pass --force --reason "why" (the reason is recorded).`,
    { details: { rate, window: recent.length, reopensAt } },
  );
}

export function decideStrategy(db: Database.Database, input: { deploymentId: string; choice: StrategyChoice; mode: DeployMode }, now = Date.now()): StrategyLevers {
  const name = input.choice === 'auto' ? 'balanced' : input.choice;
  const levers: Record<string, Omit<StrategyLevers, 'name' | 'reasons'>> = {
    conservative: { testScope: 'full', repairRounds: 1, draftPr: true, timeLimitMs: 10 * 60_000 },
    balanced: { testScope: 'related', repairRounds: 2, draftPr: false, timeLimitMs: 10 * 60_000 },
    aggressive: { testScope: 'generated', repairRounds: 3, draftPr: false, timeLimitMs: 5 * 60_000 },
  };
  const reasons = [input.choice === 'auto' ? 'auto: no learned model available in this build; balanced is the default' : `chosen by the user (--strategy ${input.choice})`];
  const chosen: StrategyLevers = { name, ...levers[name]!, reasons };
  db.prepare(`INSERT INTO decisions (deployment_id, kind, chosen, inputs, reason, created_at) VALUES (?, 'strategy', ?, ?, ?, ?)`).run(input.deploymentId, name, JSON.stringify({ choice: input.choice, mode: input.mode }), reasons.join('; '), now);
  return chosen;
}

export function gatherContext(repoRoot: string, env: NodeJS.ProcessEnv): ContextInfo {
  const cpus = os.cpus().length || 1;
  return {
    environment: env.CI ? 'ci' : 'development',
    metrics: { cpuLoad: Math.round((os.loadavg()[0]! / cpus) * 100) / 100, memoryUsedPercent: Math.round((1 - os.freemem() / os.totalmem()) * 100) },
    profile: { testFramework: detectFramework(repoRoot) ?? null },
    dataGaps: [],
  };
}

