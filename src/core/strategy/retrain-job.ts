import type Database from 'better-sqlite3';
import type { ForestOptions } from './forest';
import { trainOutcomeModel, type TrainedOutcomeModel } from './outcome-model';
import { buildTrainingSet } from './training-data';

/** What a training run needs besides the database (sent to the worker as workerData). */
export interface TrainingJobOptions {
  maxRows?: number;
  forest?: Partial<ForestOptions>;
}

export interface TrainingJobRequest extends TrainingJobOptions {
  dbPath: string;
}

export type TrainingJobReply = { ok: true; model: TrainedOutcomeModel; readMs: number } | { ok: false; error: string };

/** Reads the training rows and fits the model (with its holdout evaluation). Pure CPU after the read. */
export function runTrainingJob(db: Database.Database, options: TrainingJobOptions): { model: TrainedOutcomeModel; readMs: number } {
  const started = performance.now();
  const set = buildTrainingSet(db, { maxRows: options.maxRows });
  const readMs = Math.round(performance.now() - started);
  return { model: trainOutcomeModel(set, options.forest), readMs };
}
