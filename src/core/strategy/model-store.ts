import type Database from 'better-sqlite3';
import { loadOutcomeModel, type LoadedOutcomeModel, type ModelEvaluation, type TrainedOutcomeModel } from './outcome-model';

/** The `outcome_models` table (migration 004): one row per trained model, newest version wins. */
export interface OutcomeModelMeta {
  version: number;
  createdAt: number;
  trigger: string;
  runner: string;
  trainingSize: number;
  deploymentRows: number;
  historyRows: number;
  outcomesAtTraining: number;
  featureNames: string[];
  evaluation: ModelEvaluation | null;
  trainMs: number | null;
}

const META_COLUMNS = `version, created_at AS createdAt, trigger, runner, training_size AS trainingSize, deployment_rows AS deploymentRows,
  history_rows AS historyRows, outcomes_at_training AS outcomesAtTraining, feature_names AS featureNames, evaluation, train_ms AS trainMs`;

type RawMeta = Omit<OutcomeModelMeta, 'featureNames' | 'evaluation'> & { featureNames: string; evaluation: string | null };

function toMeta(raw: RawMeta): OutcomeModelMeta {
  return { ...raw, featureNames: JSON.parse(raw.featureNames) as string[], evaluation: raw.evaluation ? (JSON.parse(raw.evaluation) as ModelEvaluation) : null };
}

export function latestModelMeta(db: Database.Database): OutcomeModelMeta | undefined {
  const raw = db.prepare(`SELECT ${META_COLUMNS} FROM outcome_models ORDER BY version DESC LIMIT 1`).get() as RawMeta | undefined;
  return raw ? toMeta(raw) : undefined;
}

export function listModels(db: Database.Database): OutcomeModelMeta[] {
  return (db.prepare(`SELECT ${META_COLUMNS} FROM outcome_models ORDER BY version`).all() as RawMeta[]).map(toMeta);
}

export interface NewModelRecord {
  model: TrainedOutcomeModel;
  trigger: 'cadence' | 'import' | 'manual';
  runner: 'worker' | 'in-process';
  outcomesAtTraining: number;
  createdAt: number;
}

/** How many of the newest versions keep their serialized forest. */
export const KEEP_FORESTS = 5;

/** Stores a trained model as the next version (in one transaction, so concurrent writers cannot share a version). */
export function insertModel(db: Database.Database, record: NewModelRecord): number {
  return db.transaction(() => {
    const version = ((db.prepare('SELECT max(version) AS v FROM outcome_models').get() as { v: number | null }).v ?? 0) + 1;
    db.prepare(
      `INSERT INTO outcome_models (version, created_at, trigger, runner, training_size, deployment_rows, history_rows, outcomes_at_training, feature_names, evaluation, train_ms, model)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      version,
      record.createdAt,
      record.trigger,
      record.runner,
      record.model.trainingSize,
      record.model.deploymentRows,
      record.model.historyRows,
      record.outcomesAtTraining,
      JSON.stringify(record.model.featureNames),
      JSON.stringify(record.model.evaluation),
      record.model.trainMs,
      record.model.serialized,
    );
    // About 1 MB per forest: older versions keep their figures, not their forest.
    db.prepare(`UPDATE outcome_models SET model = '' WHERE version <= ? AND model != ''`).run(version - KEEP_FORESTS);
    return version;
  }).immediate();
}

/** The last model parsed, per database file: a decision reuses it until a newer version is stored. */
const cache = new Map<string, { createdAt: number; model: LoadedOutcomeModel }>();

export function loadLatestModel(db: Database.Database, cacheKey: string): LoadedOutcomeModel | undefined {
  const meta = latestModelMeta(db);
  if (!meta) return undefined;
  const cached = cache.get(cacheKey);
  // Version and creation time: a recreated database starts its versions at 1 again.
  if (cached && cached.model.version === meta.version && cached.createdAt === meta.createdAt) return cached.model;
  const row = db.prepare('SELECT model FROM outcome_models WHERE version = ?').get(meta.version) as { model: string };
  const loaded = loadOutcomeModel(meta, row.model);
  cache.set(cacheKey, { createdAt: meta.createdAt, model: loaded });
  return loaded;
}
