import { errorPatterns } from '../recovery/error-patterns';
import { formatDuration, formatPercent } from './format';
import { catchUpFirst, type CatchUpOptions, type LearningStore } from './record';
import { wilsonLowerBound } from './wilson';
import { plural } from '../plural';

export interface RecoveryStats {
  action: string;
  automatic: boolean;
  attempts: number;
  worked: number;
  successRate: number;
  /** Wilson lower bound of the success rate. */
  confidence: number;
  /** Median time to recover of the attempts that worked. */
  medianRecoveryMs: number | null;
}

export interface RollbackScenario {
  signature: { errorPattern: string | null; step: string | null };
  /** What the error pattern means and the usual fix (src/core/recovery/error-patterns.json). */
  explanation: string | null;
  /** Deployments that ended failed with this signature. */
  failures: number;
  recoveries: RecoveryStats[];
  best: RecoveryStats | null;
  sentence: string;
}

export interface RollbackScenarios {
  environment: string | null;
  scenarios: RollbackScenario[];
  learning: { caughtUp: number };
}

/**
 * Failure signatures — the known error pattern in the output and the step that failed — with what
 * recovered from them: repair rounds (automatic), a redeploy that succeeded (the next deployment
 * in the same repository and environment), a rollback. For each recovery: attempts, how often it
 * worked, the median time to recover, whether Deploy Agent did it on its own. The best recovery
 * is the one with the highest Wilson lower bound of working, the faster on a tie.
 */
export function rollbackScenarios(store: LearningStore, options: { environment?: string } & CatchUpOptions = {}): RollbackScenarios {
  const caughtUp = catchUpFirst(store, options);
  const db = store.db;
  const env = options.environment;
  const failures = db
    .prepare(
      `SELECT error_pattern AS errorPattern, failing_step AS step, count(*) AS n FROM learning_deployments
        WHERE success = 0${env !== undefined ? ' AND environment = ?' : ''} GROUP BY error_pattern, failing_step`,
    )
    .all(...(env !== undefined ? [env] : [])) as { errorPattern: string | null; step: string | null; n: number }[];
  const attempts = db
    .prepare(
      `SELECT r.error_pattern_id AS errorPattern, r.failing_step AS step, r.action, r.automatic, r.worked, r.recovered_ms AS recoveredMs
         FROM learning_recoveries r JOIN deployments d ON d.id = r.deployment_id
        ${env !== undefined ? "WHERE coalesce(d.environment, 'unknown') = ?" : ''}`,
    )
    .all(...(env !== undefined ? [env] : [])) as { errorPattern: string | null; step: string | null; action: string; automatic: number; worked: number; recoveredMs: number | null }[];

  const key = (p: string | null, s: string | null) => `${p ?? ''}\u0000${s ?? ''}`;
  const scenarios = new Map<string, { errorPattern: string | null; step: string | null; failures: number; byAction: Map<string, { action: string; automatic: boolean; attempts: number; worked: number; times: number[] }> }>();
  const scenario = (errorPattern: string | null, step: string | null) => {
    const k = key(errorPattern, step);
    let s = scenarios.get(k);
    if (!s) scenarios.set(k, (s = { errorPattern, step, failures: 0, byAction: new Map() }));
    return s;
  };
  for (const f of failures) scenario(f.errorPattern, f.step).failures += f.n;
  for (const a of attempts) {
    const s = scenario(a.errorPattern, a.step);
    const k = `${a.action}\u0000${a.automatic}`;
    const entry = s.byAction.get(k) ?? { action: a.action, automatic: a.automatic === 1, attempts: 0, worked: 0, times: [] };
    entry.attempts++;
    if (a.worked) {
      entry.worked++;
      if (a.recoveredMs !== null) entry.times.push(a.recoveredMs);
    }
    s.byAction.set(k, entry);
  }

  const explanations = new Map(errorPatterns.map((p) => [p.id, `${p.explanation} ${p.recovery}`]));
  const list = [...scenarios.values()].map((s): RollbackScenario => {
    const recoveries = [...s.byAction.values()]
      .map((e) => ({
        action: e.action,
        automatic: e.automatic,
        attempts: e.attempts,
        worked: e.worked,
        successRate: e.worked / e.attempts,
        confidence: wilsonLowerBound(e.worked, e.attempts),
        medianRecoveryMs: median(e.times),
      }))
      .sort((a, b) => b.confidence - a.confidence || (a.medianRecoveryMs ?? Infinity) - (b.medianRecoveryMs ?? Infinity) || a.action.localeCompare(b.action));
    const best = recoveries.find((r) => r.worked > 0) ?? null;
    return {
      signature: { errorPattern: s.errorPattern, step: s.step },
      explanation: s.errorPattern ? explanations.get(s.errorPattern) ?? null : null,
      failures: s.failures,
      recoveries,
      best,
      sentence: sentenceOf(s.errorPattern, s.step, s.failures, best),
    };
  });
  list.sort((a, b) => b.failures + sumAttempts(b) - (a.failures + sumAttempts(a)) || (a.signature.errorPattern ?? '~').localeCompare(b.signature.errorPattern ?? '~'));
  return { environment: env ?? null, scenarios: list, learning: { caughtUp } };
}

function sumAttempts(s: RollbackScenario): number {
  return s.recoveries.reduce((n, r) => n + r.attempts, 0);
}

/** Nearest-rank median. */
function median(values: number[]): number | null {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.ceil(sorted.length / 2) - 1]!;
}

function sentenceOf(errorPattern: string | null, step: string | null, failures: number, best: RecoveryStats | null): string {
  const what = `${errorPattern ?? 'an unrecognised error'}${step ? ` at ${step}` : ''}`;
  const seen = failures ? `ended ${plural(failures, 'deployment')}` : 'was seen and recovered from';
  if (!best) return `${what} ${seen}; nothing recorded has recovered from it yet.`;
  return `${what} ${seen}; ${best.action} (${best.automatic ? 'automatic' : 'by a person'}) worked ${best.worked} of ${plural(best.attempts, 'time')} (${formatPercent(best.successRate)}), recovering in ${formatDuration(best.medianRecoveryMs)} (median).`;
}
