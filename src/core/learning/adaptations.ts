import type Database from 'better-sqlite3';
import { formatPercent } from './format';
import { catchUpFirst, type CatchUpOptions, type LearningStore } from './record';

/** The levers and settings a deployment recorded, by name (docs/learning.md lists their sources). */
export const LEVERS = ['strategy', 'requested', 'basis', 'mode', 'testScope', 'repairRounds', 'timeLimitMs', 'draftPr', 'coverageThreshold', 'environmentEvidence'] as const;
export type Lever = (typeof LEVERS)[number];

export interface LeverValue {
  value: string;
  executions: number;
  succeeded: number;
  /** Of the deployments in this environment with this value. */
  successRate: number;
  /** Of this environment's successful deployments, the share that had this value. */
  shareOfSuccesses: number;
}

export interface LeverComparison {
  lever: Lever;
  source: LeverValue[];
  target: LeverValue[];
  /** The value most successful deployments had, per environment. */
  usual: { source: string | null; target: string | null };
  differs: boolean;
  sentence: string;
}

export interface EnvironmentSummary {
  environment: string;
  deployments: number;
  succeeded: number;
  successRate: number | null;
}

export interface Adaptations {
  source: EnvironmentSummary;
  target: EnvironmentSummary;
  levers: LeverComparison[];
  note?: string;
  learning: { caughtUp: number };
}

interface Row {
  environment: string;
  success: number;
  mode: string | null;
  strategy: string;
  artifacts: string | null;
  inputs: string | null;
}

/**
 * What deployments that succeeded did differently in one environment than in another: for each
 * lever (strategy, test scope, repair rounds, time limit, draft pull request, coverage bar,
 * mode, requested strategy, how the strategy was decided, and the environment evidence — the
 * variables, branch, CI and container markers the environment was recognised by) the values
 * seen in each environment with their success rates. Read from what every deployment recorded:
 * its strategy step's levers, its strategy decision's inputs and the deployment row.
 */
export function environmentAdaptations(store: LearningStore, options: { source: string; target: string } & CatchUpOptions): Adaptations {
  const caughtUp = catchUpFirst(store, options);
  const rows = readRows(store.db, [options.source, options.target]);
  const source = rows.filter((r) => r.environment === options.source);
  const target = rows.filter((r) => r.environment === options.target);
  const levers = LEVERS.map((lever) => compare(lever, tally(source, lever), tally(target, lever), options))
    .filter((c) => c.source.length || c.target.length)
    .sort((a, b) => Number(b.differs) - Number(a.differs));
  const summary = (environment: string, list: Row[]): EnvironmentSummary => {
    const succeeded = list.filter((r) => r.success === 1).length;
    return { environment, deployments: list.length, succeeded, successRate: list.length ? succeeded / list.length : null };
  };
  const missing = [options.source, options.target].filter((env, i) => !(i === 0 ? source : target).length);
  return {
    source: summary(options.source, source),
    target: summary(options.target, target),
    levers,
    ...(missing.length ? { note: `No finished deployment in ${missing.join(' or ')} yet: there is nothing to compare with.` } : {}),
    learning: { caughtUp },
  };
}

function readRows(db: Database.Database, environments: string[]): Row[] {
  return db
    .prepare(
      `SELECT l.environment, l.success, d.mode, l.strategy,
              (SELECT s.artifacts FROM deployment_steps s WHERE s.deployment_id = l.deployment_id AND s.name = 'strategy' AND s.status = 'succeeded' ORDER BY s.id DESC LIMIT 1) AS artifacts,
              (SELECT c.inputs FROM decisions c WHERE c.deployment_id = l.deployment_id AND c.kind = 'strategy' ORDER BY c.id DESC LIMIT 1) AS inputs
         FROM learning_deployments l JOIN deployments d ON d.id = l.deployment_id
        WHERE l.environment IN (${environments.map(() => '?').join(', ')}) AND l.success IS NOT NULL`,
    )
    .all(...environments) as Row[];
}

function parse(text: string | null): Record<string, unknown> {
  if (!text) return {};
  try {
    const value = JSON.parse(text) as unknown;
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** The values one deployment had for a lever (environment evidence can have several). */
function valuesOf(row: Row, lever: Lever): string[] {
  const levers = parse(row.artifacts).levers as Record<string, unknown> | undefined;
  const inputs = parse(row.inputs);
  const one = (v: unknown) => (v === undefined || v === null ? [] : [String(v)]);
  switch (lever) {
    case 'strategy':
      return [row.strategy];
    case 'mode':
      return one(row.mode);
    case 'requested':
      return one(inputs.requested ?? inputs.choice);
    case 'basis':
      return one(inputs.basis);
    case 'environmentEvidence': {
      const evidence = (inputs.environment as { evidence?: { source?: string; value?: string }[] } | undefined)?.evidence ?? [];
      return [...new Set(evidence.map((e) => e.value).filter((v): v is string => typeof v === 'string'))];
    }
    default:
      return one(levers?.[lever]);
  }
}

function tally(rows: Row[], lever: Lever): LeverValue[] {
  const byValue = new Map<string, { executions: number; succeeded: number }>();
  const successes = rows.filter((r) => r.success === 1).length;
  for (const row of rows) {
    for (const value of valuesOf(row, lever)) {
      const entry = byValue.get(value) ?? { executions: 0, succeeded: 0 };
      entry.executions++;
      if (row.success === 1) entry.succeeded++;
      byValue.set(value, entry);
    }
  }
  return [...byValue]
    .map(([value, e]) => ({ value, executions: e.executions, succeeded: e.succeeded, successRate: e.succeeded / e.executions, shareOfSuccesses: successes ? e.succeeded / successes : 0 }))
    .sort((a, b) => b.succeeded - a.succeeded || b.successRate - a.successRate || a.value.localeCompare(b.value));
}

function compare(lever: Lever, source: LeverValue[], target: LeverValue[], envs: { source: string; target: string }): LeverComparison {
  const usual = (values: LeverValue[]) => (values[0] && values[0].succeeded > 0 ? values[0].value : null);
  const u = { source: usual(source), target: usual(target) };
  const differs = u.source !== null && u.target !== null && u.source !== u.target;
  const describe = (env: string, values: LeverValue[], value: string | null) => {
    const v = values.find((x) => x.value === value);
    return v ? `${env} mostly ${v.value} (${v.succeeded} of its successes, ${formatPercent(v.successRate)} success with it)` : `${env} has no success to go by`;
  };
  const sentence = differs
    ? `${lever} differs: ${describe(envs.source, source, u.source)}; ${describe(envs.target, target, u.target)}.`
    : u.source !== null && u.target !== null
      ? `${lever} is the same in both: ${u.source} (${formatPercent(source[0]!.successRate)} in ${envs.source}, ${formatPercent(target[0]!.successRate)} in ${envs.target}).`
      : `${lever}: ${describe(envs.source, source, u.source)}; ${describe(envs.target, target, u.target)}.`;
  return { lever, source, target, usual: u, differs, sentence };
}
