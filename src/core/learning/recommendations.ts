import { formatDuration, formatPercent } from './format';
import { listPatterns, similarPatterns, type KeyPart, type PatternRow } from './patterns';
import { catchUpFirst, type CatchUpOptions, type LearningStore } from './record';
import { wilsonInterval } from './wilson';

/** Fewer executions than this say too little to follow or avoid a pattern. */
export const MIN_EXECUTIONS = 3;
/** Follow a pattern when, with 95% confidence, at least half of its deployments succeed. */
export const FOLLOW_LOWER_BOUND = 0.5;

export type Advice = 'follow' | 'avoid' | 'more data needed';

export interface PatternRecommendation {
  rank: number;
  id: number;
  environment: string;
  stack: string;
  strategy: string;
  category: string;
  executions: number;
  successes: number;
  successRate: number;
  /** Wilson lower bound (95%): the success rate is at least this. */
  confidence: number;
  /** Wilson upper bound (95%). */
  upperBound: number;
  medianDurationMs: number | null;
  advice: Advice;
  why: string;
  similar: { id: number; differsIn: KeyPart; value: string; executions: number; successes: number; successRate: number; confidence: number }[];
}

export interface Recommendations {
  environment: string | null;
  patterns: PatternRecommendation[];
  learning: { caughtUp: number };
}

/**
 * The patterns to follow, best first: ranked by the Wilson lower bound of their success rate, so
 * that 19 of 20 outranks 2 of 2. Each says why, and how its similar patterns (another strategy,
 * environment, stack or category) did.
 */
export function recommendPatterns(store: LearningStore, options: { environment?: string } & CatchUpOptions = {}): Recommendations {
  const caughtUp = catchUpFirst(store, options);
  const patterns = listPatterns(store.db, options.environment === undefined ? {} : { environment: options.environment });
  return {
    environment: options.environment ?? null,
    patterns: patterns.map((p, i) => {
      const similar = similarPatterns(store.db, p.id).map((s) => ({
        id: s.id,
        differsIn: s.differsIn,
        value: s[s.differsIn],
        executions: s.executions,
        successes: s.successes,
        successRate: s.executions ? s.successes / s.executions : 0,
        confidence: s.confidence,
      }));
      const { upper } = wilsonInterval(p.successes, p.executions);
      const advice = adviceFor(p, upper);
      return {
        rank: i + 1,
        id: p.id,
        environment: p.environment,
        stack: p.stack,
        strategy: p.strategy,
        category: p.category,
        executions: p.executions,
        successes: p.successes,
        successRate: p.executions ? p.successes / p.executions : 0,
        confidence: p.confidence,
        upperBound: upper,
        medianDurationMs: p.medianDurationMs,
        advice,
        why: whyOf(p, advice, similar),
        similar,
      };
    }),
    learning: { caughtUp },
  };
}

export function adviceFor(p: Pick<PatternRow, 'executions' | 'confidence'>, upperBound: number): Advice {
  if (p.executions < MIN_EXECUTIONS) return 'more data needed';
  if (p.confidence >= FOLLOW_LOWER_BOUND) return 'follow';
  if (upperBound < 0.5) return 'avoid';
  return 'more data needed';
}

function whyOf(p: PatternRow, advice: Advice, similar: PatternRecommendation['similar']): string {
  const what = `${p.strategy} for ${p.category} changes on ${p.stack} in ${p.environment}`;
  const record = `${p.successes} of ${p.executions} succeeded (${formatPercent(p.successes / p.executions)}); with 95% confidence at least ${formatPercent(p.confidence)} will`;
  const duration = p.medianDurationMs !== null ? `, in ${formatDuration(p.medianDurationMs)} (median)` : '';
  const rival = similar.filter((s) => s.differsIn === 'strategy' && s.executions >= MIN_EXECUTIONS).sort((a, b) => b.confidence - a.confidence)[0];
  // "Better" only when the 95% intervals do not overlap; otherwise the evidence cannot tell them apart.
  const upper = wilsonInterval(p.successes, p.executions).upper;
  const comparison = !rival
    ? ''
    : rival.confidence > upper
      ? ` The ${rival.value} strategy does better here (at least ${formatPercent(rival.confidence)}).`
      : p.confidence > wilsonInterval(rival.successes, rival.executions).upper
        ? ` Better than ${rival.value} here (${rival.successes} of ${rival.executions}).`
        : ` About as good as ${rival.value} here (${rival.successes} of ${rival.executions}, at least ${formatPercent(rival.confidence)}).`;
  const verdict = advice === 'follow' ? 'Follow it.' : advice === 'avoid' ? 'Avoid it: most of these fail.' : `Not enough evidence yet (fewer than ${MIN_EXECUTIONS} runs, or too mixed).`;
  return `${what}: ${record}${duration}. ${verdict}${comparison}`;
}
