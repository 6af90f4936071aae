import { Worker } from 'node:worker_threads';
import { openHistoryStore, type HistoryStore } from '../store/database';
import { DEPLOYMENT_FEATURE_NAMES } from './deployment-features';
import { insertModel, latestModelMeta } from './model-store';
import type { ModelEvaluation, TrainedOutcomeModel } from './outcome-model';
import { runTrainingJob, type TrainingJobOptions, type TrainingJobReply, type TrainingJobRequest } from './retrain-job';
import { countHistoryBuilds, countOutcomes } from './training-data';
import { plural } from '../plural';

/** Retrain after this many new deployment outcomes. */
export const RETRAIN_EVERY = 10;

export type TrainingRunner = 'worker' | 'in-process';

export interface RetrainOptions extends TrainingJobOptions {
  now?: number;
  /** cadence (default): only when RETRAIN_EVERY outcomes came since the last model; import/manual: now. */
  trigger?: 'cadence' | 'import' | 'manual';
  /** auto (default): a worker thread, in-process only when no worker can start. */
  runner?: 'auto' | TrainingRunner;
  every?: number;
  /** Tests: another worker script (e.g. one that cannot load, to exercise the fallback). */
  workerScript?: { file: string; execArgv?: string[] };
}

export interface RetrainResult {
  retrained: boolean;
  /** Why it did or did not train. */
  reason: string;
  version?: number;
  runner?: TrainingRunner;
  /** Set when the worker could not start and training ran in-process instead. */
  workerError?: string;
  trainingSize?: number;
  deploymentRows?: number;
  historyRows?: number;
  trainMs?: number;
  /** Reading the training rows from the database. */
  readMs?: number;
  /** Wall time of the whole run (read, evaluate, fit, store). */
  totalMs?: number;
  evaluation?: ModelEvaluation;
  outcomes: number;
}

/** One training at a time per database in this process. */
const running = new Map<string, Promise<RetrainResult>>();

/**
 * Called after every deployment outcome (and after a history import): retrains the outcome
 * model in a worker thread when `every` (10) new outcomes have arrived since the last model, and
 * stores it as the next version. Never throws for a training failure: the result says why.
 */
export async function maybeRetrain(storeOrPath: HistoryStore | string, options: RetrainOptions = {}): Promise<RetrainResult> {
  const own = typeof storeOrPath === 'string';
  const store = own ? openHistoryStore(storeOrPath) : storeOrPath;
  try {
    const pending = running.get(store.path);
    if (pending) {
      await pending; // the same outcomes are now covered, or the next call will see them
      if ((options.trigger ?? 'cadence') === 'cadence') return { retrained: false, reason: 'a retraining was already running', outcomes: countOutcomes(store.db) };
    }
    const run = retrainOnce(store, options);
    running.set(store.path, run);
    try {
      return await run;
    } finally {
      running.delete(store.path);
    }
  } finally {
    if (own) store.close();
  }
}

async function retrainOnce(store: HistoryStore, options: RetrainOptions): Promise<RetrainResult> {
  const trigger = options.trigger ?? 'cadence';
  const every = options.every ?? RETRAIN_EVERY;
  const outcomes = countOutcomes(store.db);
  const last = latestModelMeta(store.db);
  const since = outcomes - (last?.outcomesAtTraining ?? 0);
  // A model from a build that computed other features cannot be used: replace it now.
  const stale = last !== undefined && JSON.stringify(last.featureNames) !== JSON.stringify(DEPLOYMENT_FEATURE_NAMES);
  if (trigger === 'cadence' && since < every && !stale) {
    return { retrained: false, reason: `${plural(since, 'new outcome')} since ${last ? `model v${last.version}` : 'the start'}; retraining every ${every}`, outcomes };
  }
  const rows = outcomes + countHistoryBuilds(store.db);
  if (rows < 2) return { retrained: false, reason: `${plural(rows, 'training row')}; at least two are needed`, outcomes };

  const started = performance.now();
  const job: TrainingJobRequest = { dbPath: store.path, maxRows: options.maxRows, forest: options.forest };
  let model: TrainedOutcomeModel;
  let readMs: number;
  let runner: TrainingRunner;
  let workerError: string | undefined;
  try {
    if ((options.runner ?? 'auto') === 'in-process') {
      ({ model, readMs } = runTrainingJob(store.db, job));
      runner = 'in-process';
    } else {
      const attempt = await trainInWorker(job, options.workerScript ?? workerScript());
      if (attempt.kind === 'trained') {
        ({ model, readMs } = attempt);
        runner = 'worker';
      } else if (options.runner === 'worker') {
        return { retrained: false, reason: `the training worker could not start: ${attempt.error}`, workerError: attempt.error, outcomes };
      } else {
        workerError = attempt.error;
        ({ model, readMs } = runTrainingJob(store.db, job));
        runner = 'in-process';
      }
    }
  } catch (error) {
    return { retrained: false, reason: `training failed: ${error instanceof Error ? error.message : String(error)}`, outcomes };
  }
  const version = insertModel(store.db, { model, trigger, runner, outcomesAtTraining: outcomes, createdAt: options.now ?? Date.now() });
  return {
    retrained: true,
    reason:
      trigger !== 'cadence'
        ? `${trigger} retraining`
        : stale && since < every
          ? `model v${last!.version} was trained on other features than this build computes`
          : `${since} new outcomes since ${last ? `model v${last.version}` : 'the start'}`,
    version,
    runner,
    ...(workerError ? { workerError } : {}),
    trainingSize: model.trainingSize,
    deploymentRows: model.deploymentRows,
    historyRows: model.historyRows,
    trainMs: model.trainMs,
    readMs,
    totalMs: Math.round(performance.now() - started),
    evaluation: model.evaluation,
    outcomes,
  };
}

type WorkerAttempt = { kind: 'trained'; model: TrainedOutcomeModel; readMs: number } | { kind: 'unavailable'; error: string };

/**
 * Runs the training job in a worker thread. A failure inside the job rejects; a worker that
 * cannot start (no script, no worker support) resolves as unavailable so the caller may fall back.
 */
function trainInWorker(job: TrainingJobRequest, script: { file: string; execArgv?: string[] } | undefined): Promise<WorkerAttempt> {
  if (!script) return Promise.resolve({ kind: 'unavailable', error: 'retrain-worker script not found next to this build' });
  return new Promise((resolve, reject) => {
    let worker: Worker;
    try {
      worker = new Worker(script.file, { workerData: job, ...(script.execArgv ? { execArgv: script.execArgv } : {}) });
    } catch (error) {
      resolve({ kind: 'unavailable', error: error instanceof Error ? error.message : String(error) });
      return;
    }
    let settled = false;
    worker.once('message', (reply: TrainingJobReply) => {
      settled = true;
      if (reply.ok) resolve({ kind: 'trained', model: reply.model, readMs: reply.readMs });
      else reject(new Error(reply.error));
    });
    worker.once('error', (error) => {
      // An uncaught error before any reply: the worker did not load (e.g. a module it needs is missing).
      if (!settled) resolve({ kind: 'unavailable', error: error.message });
      settled = true;
    });
    worker.once('exit', (code) => {
      if (!settled) resolve({ kind: 'unavailable', error: `the worker exited with code ${code} before replying` });
      settled = true;
    });
  });
}

/**
 * Where the worker script is, resolved relative to the file this code runs from: in the built
 * CLI dist/cli/retrain-worker.mjs seen from dist/cli/ or its chunks/ folder (the bundle's
 * banner gives every chunk a `require` of its own), from the extension bundle in dist/ the same
 * file under cli/, and under tsx (tests, scripts) the .ts source beside this file. No
 * `import.meta`, so the CommonJS extension bundle builds without warnings.
 */
export function workerScript(): { file: string; execArgv?: string[] } | undefined {
  if (typeof require !== 'function') return undefined;
  for (const candidate of ['./retrain-worker.mjs', '../retrain-worker.mjs', './cli/retrain-worker.mjs', './retrain-worker.ts']) {
    let file: string;
    try {
      file = require.resolve(candidate);
    } catch {
      continue;
    }
    // Explicit flags, never the parent's: a worker refuses process-wide ones (--expose-gc, the
    // extension host's inspector flags), which would silently push training onto the caller's thread.
    if (!file.endsWith('.ts')) return { file, execArgv: [] };
    return { file, execArgv: ['--import', 'tsx'] };
  }
  return undefined;
}
