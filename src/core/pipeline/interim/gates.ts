import { execFileSync } from 'node:child_process';
import os from 'node:os';
import type Database from 'better-sqlite3';
import { DeployAgentError } from '../../errors';
import type { ContextInfo, DeployMode, StrategyChoice, StrategyLevers } from '../ports';
import { detectFramework } from './test-runner';
import { decideStrategy as decideWithRules } from '../../strategy/decide';
import { detectEnvironment } from '../../strategy/environment';

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

/**
 * The strategy through src/core/strategy: environment and machine load feed the safety
 * overrides and the documented cold-start rules; the decision and its reasons are recorded.
 */
export function decideStrategy(db: Database.Database, input: { deploymentId: string; choice: StrategyChoice; mode: DeployMode; context: ContextInfo }, now = Date.now()): StrategyLevers {
  const samples = (db.prepare(`SELECT count(*) AS n FROM deployments WHERE status IN ('succeeded','failed','rolled_back')`).get() as { n: number }).n;
  const metrics = {
    cpuLoadPercent: Math.round((input.context.metrics?.cpuLoad ?? 0) * 100),
    memoryUsedPercent: input.context.metrics?.memoryUsedPercent ?? 0,
  };
  const decision = decideWithRules({ requested: input.choice, environment: input.context.environmentDetection ?? detectEnvironment(), metrics, samples });
  db.prepare(`INSERT INTO decisions (deployment_id, kind, chosen, inputs, probabilities, reason, created_at) VALUES (?, 'strategy', ?, ?, ?, ?, ?)`).run(
    input.deploymentId,
    decision.blocked ? 'blocked' : decision.strategy,
    JSON.stringify({ choice: input.choice, mode: input.mode, environment: decision.environment, metrics, samples, basis: decision.basis }),
    JSON.stringify(decision.probabilities),
    decision.reasons.join('; '),
    now,
  );
  if (decision.blocked) {
    throw new DeployAgentError('RESOURCES_CRITICAL', decision.blocked.message, 'Free what the message names, then run the deployment again.');
  }
  const { testScope, repairRounds, draftPr, timeLimitMs } = decision.levers;
  return { name: decision.strategy, testScope, repairRounds, draftPr, timeLimitMs, reasons: decision.reasons };
}

export function gatherContext(repoRoot: string, env: NodeJS.ProcessEnv): ContextInfo {
  const cpus = os.cpus().length || 1;
  const environmentDetection = detectEnvironment({ env, branch: currentBranch(repoRoot) });
  return {
    environment: environmentDetection.environment,
    environmentDetection,
    metrics: { cpuLoad: Math.round((os.loadavg()[0]! / cpus) * 100) / 100, memoryUsedPercent: Math.round((1 - os.freemem() / os.totalmem()) * 100) },
    profile: { testFramework: detectFramework(repoRoot) ?? null },
    dataGaps: [],
  };
}

function currentBranch(repoRoot: string): string | undefined {
  try {
    const name = execFileSync('git', ['symbolic-ref', '--short', 'HEAD'], { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return name && name !== 'HEAD' ? name : undefined;
  } catch {
    return undefined;
  }
}
