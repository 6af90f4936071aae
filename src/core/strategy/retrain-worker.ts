/**
 * Worker-thread entry for retraining the outcome model (retrain.ts starts it). It opens the
 * history database read-only, reads the training rows, fits and evaluates the forest, and posts
 * the serialized model back; the caller stores it. Bundled as dist/cli/retrain-worker.mjs.
 */
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import { runTrainingJob, type TrainingJobReply, type TrainingJobRequest } from './retrain-job';

if (parentPort) {
  const request = workerData as TrainingJobRequest;
  let reply: TrainingJobReply;
  try {
    const db = new Database(request.dbPath, { readonly: true, fileMustExist: true });
    try {
      reply = { ok: true, ...runTrainingJob(db, request) };
    } finally {
      db.close();
    }
  } catch (error) {
    reply = { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
  parentPort.postMessage(reply);
}
