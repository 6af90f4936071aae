import type Database from 'better-sqlite3';
import type { Recommendation } from '../recommendation/types';
import { computeHistoryFeatures, sortByTime, type TimedOutcome } from './history-features';
import {
  DEPLOYMENT_FEATURE_NAMES, deploymentBaseFeatures, featureVector, importedBaseFeatures, patternKey, UNKNOWN, type BaseFeatures,
} from './deployment-features';
import type { TrainingSet } from './outcome-model';
import { COST_ORDER } from './strategies';
import type { StrategyName } from './types';

/**
 * Labelled deployments come from the `deployment_outcomes` view (migration 006): GitHub's final
 * label after shipping wins (a PR that failed CI or was reverted is a failure), else the local
 * status (succeeded → success; failed, rolled back → failure; anything else is no outcome).
 */
const LABELLED = `JOIN deployment_outcomes o ON o.deployment_id = d.id WHERE o.label IS NOT NULL`;

/** Default cap on training rows: training time grows with rows, the most recent matter most. */
export const DEFAULT_MAX_TRAINING_ROWS = 3000;

export function countOutcomes(db: Database.Database): number {
  return (db.prepare(`SELECT count(*) AS n FROM deployments d ${LABELLED}`).get() as { n: number }).n;
}

export function countHistoryBuilds(db: Database.Database): number {
  return (db.prepare('SELECT count(*) AS n FROM history_builds').get() as { n: number }).n;
}

interface DeploymentOutcomeRow {
  id: string;
  repoPath: string;
  label: 'success' | 'failure';
  strategy: string | null;
  environment: string | null;
  category: string | null;
  recommendation: string | null;
  createdAt: number;
  decisionInputs: string | null;
}

function readDeploymentOutcomes(db: Database.Database, repoPath?: string): DeploymentOutcomeRow[] {
  return db
    .prepare(
      `SELECT d.id, d.repo_path AS repoPath, o.label, d.strategy, d.environment, d.category, d.recommendation, d.created_at AS createdAt,
              (SELECT inputs FROM decisions WHERE deployment_id = d.id AND kind = 'strategy' ORDER BY id DESC LIMIT 1) AS decisionInputs
       FROM deployments d ${LABELLED}${repoPath !== undefined ? ' AND d.repo_path = ?' : ''} ORDER BY d.created_at, d.rowid`,
    )
    .all(...(repoPath !== undefined ? [repoPath] : [])) as DeploymentOutcomeRow[];
}

function parseJson<T>(text: string | null): T | undefined {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}

/**
 * The known-before features of a past deployment: those logged with its strategy decision when
 * present (decideForDeployment stores them), otherwise rebuilt from the deployment row.
 */
function pastBaseFeatures(row: DeploymentOutcomeRow): BaseFeatures {
  const inputs = parseJson<{ features?: Partial<BaseFeatures>; metrics?: { cpuLoadPercent?: number; memoryUsedPercent?: number } }>(row.decisionInputs);
  const rebuilt = deploymentBaseFeatures({
    environment: row.environment,
    cpuLoadPercent: inputs?.metrics?.cpuLoadPercent,
    memoryUsedPercent: inputs?.metrics?.memoryUsedPercent,
    recommendation: parseJson<Recommendation>(row.recommendation) ?? (row.category ? ({ category: row.category } as Recommendation) : null),
    strategy: row.strategy,
  });
  // The strategy is the one the deployment ran with, whatever was logged.
  return { ...rebuilt, ...(inputs?.features ?? {}), strategy: rebuilt.strategy };
}

function deploymentTimeline(rows: readonly DeploymentOutcomeRow[]): (TimedOutcome & { row: DeploymentOutcomeRow })[] {
  return rows.map((row) => ({
    ts: row.createdAt,
    failed: row.label === 'failure',
    group: patternKey({ environment: row.environment, strategy: row.strategy, category: row.category }),
    row,
  }));
}

interface HistoryBuildRow {
  project: string;
  source: string;
  startedAt: number;
  failed: number;
  branch: string | null;
  isPr: number | null;
  filesChanged: number | null;
  linesChanged: number | null;
  features: string | null;
}

interface TimedRow {
  ts: number;
  x: number[];
  y: number;
  kind: 'deployment' | 'history';
}

/**
 * Every training row, oldest first: own deployments with an outcome (history features per
 * repository) and imported CI builds (history features per project, from the project's whole
 * series). At most `maxRows`: all recent deployments first, the rest shared evenly among the
 * imported projects, most recent builds of each.
 */
export function buildTrainingSet(db: Database.Database, options: { maxRows?: number } = {}): TrainingSet {
  const maxRows = options.maxRows ?? DEFAULT_MAX_TRAINING_ROWS;
  const rows: TimedRow[] = [];

  const byRepo = new Map<string, DeploymentOutcomeRow[]>();
  for (const row of readDeploymentOutcomes(db)) {
    let list = byRepo.get(row.repoPath);
    if (!list) byRepo.set(row.repoPath, (list = []));
    list.push(row);
  }
  const deploymentRows: TimedRow[] = [];
  for (const list of byRepo.values()) {
    const timeline = sortByTime(deploymentTimeline(list));
    const history = computeHistoryFeatures(timeline);
    timeline.forEach((t, i) => deploymentRows.push({ ts: t.ts, x: featureVector(pastBaseFeatures(t.row), history[i]!), y: t.failed ? 1 : 0, kind: 'deployment' }));
  }
  deploymentRows.sort((a, b) => a.ts - b.ts);
  rows.push(...deploymentRows.slice(-maxRows));

  const budget = maxRows - rows.length;
  if (budget > 0) {
    const builds = db
      .prepare(
        `SELECT project, source, started_at AS startedAt, failed, branch, is_pr AS isPr, files_changed AS filesChanged, lines_changed AS linesChanged, features
         FROM history_builds ORDER BY project, source, started_at, id`,
      )
      .all() as HistoryBuildRow[];
    const byProject = new Map<string, HistoryBuildRow[]>();
    for (const b of builds) {
      const key = `${b.source}\u0000${b.project}`;
      let list = byProject.get(key);
      if (!list) byProject.set(key, (list = []));
      list.push(b);
    }
    const perProject = Math.ceil(budget / Math.max(1, byProject.size));
    const historyRows: TimedRow[] = [];
    for (const list of byProject.values()) {
      const history = computeHistoryFeatures(list.map((b) => ({ ts: b.startedAt, failed: b.failed === 1, group: b.isPr ? 'pr' : (b.branch ?? 'push'), size: b.linesChanged ?? undefined })));
      for (let i = Math.max(0, list.length - perProject); i < list.length; i++) {
        const b = list[i]!;
        const base = importedBaseFeatures({ filesChanged: b.filesChanged, linesChanged: b.linesChanged, numeric: parseJson<Record<string, number>>(b.features) });
        historyRows.push({ ts: b.startedAt, x: featureVector(base, history[i]!), y: b.failed, kind: 'history' });
      }
    }
    historyRows.sort((a, b) => a.ts - b.ts);
    rows.push(...historyRows.slice(-budget));
  }

  const ordered = sortByTime(rows);
  return {
    x: ordered.map((r) => r.x),
    y: ordered.map((r) => r.y),
    featureNames: DEPLOYMENT_FEATURE_NAMES,
    deploymentRows: ordered.filter((r) => r.kind === 'deployment').length,
    historyRows: ordered.filter((r) => r.kind === 'history').length,
  };
}

export interface CandidateInput {
  repoPath: string;
  environment: string;
  cpuLoadPercent?: number | null;
  memoryUsedPercent?: number | null;
  recommendation?: Recommendation | null;
  /** A deployment without a recommendation (a release: src/core/release/strategy.ts) names its pattern's category here. */
  category?: string;
  /** Known-before figures the deployment has that a recommendation would otherwise give (a release's change size and hosts). */
  features?: Partial<Omit<BaseFeatures, 'strategy'>>;
  now: number;
}

/**
 * One feature row per candidate strategy for a deployment about to start: the same
 * known-before features, the candidate's strategy, and history features from the repository's
 * earlier deployments (the pattern's success rate depends on the candidate).
 */
export function candidateRows(db: Database.Database, input: CandidateInput): { base: Omit<BaseFeatures, 'strategy'>; rows: Record<StrategyName, number[]> } {
  const testRun = db
    .prepare(
      `SELECT t.passed + t.failed + t.skipped AS n FROM test_runs t JOIN deployments d ON d.id = t.deployment_id
       WHERE d.repo_path = ? AND t.created_at <= ? ORDER BY t.created_at DESC, t.id DESC LIMIT 1`,
    )
    .get(input.repoPath, input.now) as { n: number } | undefined;
  // Only what the history features need, oldest first (the SQL order is the time order).
  const past = (
    db
      .prepare(
        `SELECT d.created_at AS ts, o.label, d.environment, d.strategy, d.category FROM deployments d ${LABELLED} AND d.repo_path = ? AND d.created_at <= ? ORDER BY d.created_at, d.rowid`,
      )
      .all(input.repoPath, input.now) as { ts: number; label: string; environment: string | null; strategy: string | null; category: string | null }[]
  ).map((r) => ({ ts: r.ts, failed: r.label === 'failure', group: patternKey(r) }));
  const rows = {} as Record<StrategyName, number[]>;
  let base: BaseFeatures | undefined;
  for (const strategy of COST_ORDER) {
    const candidate = { ts: input.now, failed: false, group: patternKey({ environment: input.environment, strategy, category: input.category ?? input.recommendation?.category }) };
    const history = computeHistoryFeatures([...past, candidate]);
    base = { ...deploymentBaseFeatures({ ...input, testCount: testRun?.n ?? UNKNOWN, strategy }), ...input.features };
    rows[strategy] = featureVector(base, history[history.length - 1]!);
  }
  const { strategy: _omit, ...rest } = base!;
  return { base: rest, rows };
}
