import type Database from 'better-sqlite3';
import { DeployAgentError } from '../errors';

/**
 * The circuit breaker of a repository. Its state is derived from the deployments table (so it
 * is persisted by construction and survives crashes): it is open when, among the last `window`
 * finished deployments of the repository (at least `minSamples` of them), the share that failed
 * or were rolled back reaches `failureRate`, and the last failure is less than `cooldownMinutes`
 * ago. After the cooldown it lets the next deployment through (half-open); one more failure
 * opens it again for another cooldown, successes close it by lowering the rate.
 */
export interface CircuitBreakerSettings {
  window: number;
  minSamples: number;
  failureRate: number;
  cooldownMinutes: number;
}

export const DEFAULT_CIRCUIT_BREAKER: CircuitBreakerSettings = { window: 10, minSamples: 5, failureRate: 0.6, cooldownMinutes: 30 };

export interface CircuitState {
  state: 'closed' | 'open' | 'half-open';
  failures: number;
  window: number;
  rate: number;
  reopensAt: number | null;
}

export function circuitState(db: Database.Database, repoRoot: string, settings: CircuitBreakerSettings, options: { excludeId?: string; now?: number } = {}): CircuitState {
  const now = options.now ?? Date.now();
  const recent = db
    .prepare(`SELECT status, finished_at AS finishedAt FROM deployments WHERE repo_path = ? AND id != ? AND status IN ('succeeded','failed','rolled_back') ORDER BY finished_at DESC LIMIT ?`)
    .all(repoRoot, options.excludeId ?? '', Math.max(1, settings.window)) as { status: string; finishedAt: number | null }[];
  const failures = recent.filter((r) => r.status !== 'succeeded');
  const rate = recent.length ? failures.length / recent.length : 0;
  const tripped = recent.length >= settings.minSamples && rate >= settings.failureRate;
  if (!tripped) return { state: 'closed', failures: failures.length, window: recent.length, rate, reopensAt: null };
  const reopensAt = (failures[0]?.finishedAt ?? 0) + settings.cooldownMinutes * 60_000;
  return { state: now < reopensAt ? 'open' : 'half-open', failures: failures.length, window: recent.length, rate, reopensAt };
}

/** The safety gate: refuses while open unless forced with a reason, which is recorded as a decision. */
export function checkCircuitBreaker(
  db: Database.Database,
  repoRoot: string,
  input: { deploymentId: string; forceReason?: string },
  settings: CircuitBreakerSettings = DEFAULT_CIRCUIT_BREAKER,
  now = Date.now(),
): { state: string; forced: boolean } {
  const circuit = circuitState(db, repoRoot, settings, { excludeId: input.deploymentId, now });
  if (circuit.state !== 'open') return { state: circuit.state, forced: false };
  const inputs = JSON.stringify({ rate: circuit.rate, failures: circuit.failures, window: circuit.window, settings, reopensAt: circuit.reopensAt });
  if (input.forceReason) {
    db.prepare(`INSERT INTO decisions (deployment_id, kind, chosen, inputs, reason, created_at) VALUES (?, 'circuit-override', 'forced', ?, ?, ?)`).run(input.deploymentId, inputs, input.forceReason, now);
    return { state: 'open', forced: true };
  }
  const reopens = new Date(circuit.reopensAt!).toISOString();
  throw new DeployAgentError(
    'CIRCUIT_OPEN',
    `The circuit breaker for this repository is open: ${circuit.failures} of its last ${circuit.window} deployments failed (threshold ${Math.round(settings.failureRate * 100)}%).`,
    `It lets the next deployment through at ${reopens}. To deploy anyway, pass --force --reason "why" (the reason is recorded); the thresholds are the deployAgent.pipeline.circuitBreaker.* settings.`,
    { details: { rate: circuit.rate, window: circuit.window, reopensAt: reopens } },
  );
}

export function circuitSettingsFrom(config: { get<T>(key: string): T }): CircuitBreakerSettings {
  return {
    window: config.get<number>('pipeline.circuitBreaker.window'),
    minSamples: config.get<number>('pipeline.circuitBreaker.minSamples'),
    failureRate: config.get<number>('pipeline.circuitBreaker.failureRate'),
    cooldownMinutes: config.get<number>('pipeline.circuitBreaker.cooldownMinutes'),
  };
}
