import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkProviders, createModelRouter, type ModelProvider, type ProviderName } from '../ai';
import { resolveConfig, type ResolvedConfig } from '../config/resolve';
import { DeployAgentError, describeError } from '../errors';
import { Orchestrator } from '../pipeline/orchestrator';
import type { StrategyChoice } from '../pipeline/ports';
import { createRealPorts } from '../pipeline/real-ports';
import { sandboxRoot } from '../sandbox/worktree';
import { openHistoryStore, type HistoryStore } from '../store/database';
import { DEPLOY_AGENT_VERSION } from '../version';
import { hiddenTestConfinement, runHiddenTests } from './hidden';
import { readRecording, RecordingProvider, ReplayProvider, writeRecording, type RecordedCall, type Recording } from './recording';
import { EvalStore } from './store';
import { summarize } from './summary';
import type { EvalRun, EvalRunInfo, EvalTask, PipelineVerdict, TaskResult } from './types';
import { materializeTask } from './workspace';
import { plural } from '../plural';

export interface EvalOptions {
  tasks: EvalTask[];
  /** The --tasks pattern, as recorded with the run. */
  pattern: string;
  /** Live: the provider to measure (the other is not used). Replay: taken from the recordings. */
  provider?: ProviderName;
  /** Live: the model (every phase); default: the provider's model from the settings. */
  model?: string;
  repeat: number;
  strategy: Exclude<StrategyChoice, 'auto'>;
  /** Save every deployment's model transcript under this folder. */
  record?: string;
  /** Answer from the transcripts under this folder: no model is asked. */
  replay?: string;
  /** Where runs and results are kept (the history database). */
  store: HistoryStore;
  env: NodeJS.ProcessEnv;
  /** The user's --config file, applied as for `deploy`. */
  configFile?: string;
  signal: AbortSignal;
  onTaskStart?(task: EvalTask, repeat: number, index: number, total: number): void;
  onTaskEnd?(result: TaskResult, index: number, total: number): void;
  /** Each deployment's progress lines. */
  onProgress?(message: string): void;
}

/**
 * Runs the eval suite: every task, `repeat` times, through the real pipeline in `review` mode, in
 * a repository of its own with a scratch history database (the deployments are not the user's
 * history), then the task's hidden acceptance tests against what the deployment left in its
 * sandbox, then the deployment is discarded. Figures per task and overall go to the history
 * database (`eval_runs`, `eval_results`). With `record`, the model's side of each deployment is
 * saved; with `replay`, it is answered from such a recording and no model is asked.
 */
export async function runEval(options: EvalOptions): Promise<EvalRun> {
  if (options.record && options.replay) throw new DeployAgentError('EVAL_RECORD_AND_REPLAY', '--record and --replay cannot be combined.', 'Record a run first, then replay it in another.');
  const first = options.replay ? readRecording(options.replay, options.tasks[0]!.id, 1) : undefined;
  const provider = first?.provider ?? options.provider ?? 'ollama';
  if (first && options.provider && options.provider !== first.provider) {
    throw new DeployAgentError('EVAL_REPLAY_PROVIDER', `The recording in ${options.replay} was made with ${first.provider}, not ${options.provider}.`, 'Leave out --provider and --model when replaying: they come from the recording.');
  }
  const overrides = evalSettings(provider, first?.model ?? options.model, options.strategy);
  const config = (dir?: string): ResolvedConfig => resolveConfig({ ...(dir ? { workspaceDir: dir } : {}), ...(options.configFile ? { configFile: options.configFile } : {}), env: options.env, editor: overrides });
  const model = first?.model ?? config().get<string>(`${provider}.model`);
  if (!options.replay) await requireProvider(config(), options.env, options.signal);
  const confinement = await hiddenTestConfinement(options.env, config().get<boolean>('pipeline.allowUnconfinedTests'));

  const info: EvalRunInfo = {
    id: randomBytes(4).toString('hex'),
    startedAt: Date.now(),
    finishedAt: null,
    source: options.replay ? 'replay' : 'live',
    provider,
    model,
    tasks: options.pattern,
    repeat: options.repeat,
    strategy: options.strategy,
    version: DEPLOY_AGENT_VERSION,
    recordedTo: options.record ? path.resolve(options.record) : null,
    replayedFrom: options.replay ? path.resolve(options.replay) : null,
  };
  const evalStore = new EvalStore(options.store.db);
  evalStore.startRun(info);
  const results: TaskResult[] = [];
  const total = options.tasks.length * options.repeat;
  let index = 0;
  for (const task of options.tasks) {
    for (let repeat = 1; repeat <= options.repeat; repeat++) {
      if (options.signal.aborted) break;
      options.onTaskStart?.(task, repeat, index, total);
      const result = await runTask(task, repeat, { ...options, provider, model, config, confinement });
      evalStore.addResult(info.id, result);
      results.push(result);
      options.onTaskEnd?.(result, index++, total);
    }
  }
  info.finishedAt = Date.now();
  evalStore.finishRun(info.id, info.finishedAt);
  return { run: info, results, summary: summarize(results) };
}

/** The settings every eval deployment runs with: one provider, one model, no response cache (repeats must ask the model again), a fixed strategy. */
function evalSettings(provider: ProviderName, model: string | undefined, strategy: string): Record<string, unknown> {
  return {
    'ai.providers': [provider],
    ...(model ? { [`${provider}.model`]: model, [`${provider}.phaseModels`]: {} } : {}),
    'ai.cacheTtlSeconds': 0,
    'pipeline.strategy': strategy,
  };
}

async function requireProvider(config: ResolvedConfig, env: NodeJS.ProcessEnv, signal: AbortSignal): Promise<void> {
  const router = createModelRouter({ config, env });
  const check = await checkProviders(router, { signal });
  if (check.ok) return;
  const p = check.providers[0]!;
  const why = p.reason ?? Object.values(p.phases).find((ph) => ph.problem)?.problem ?? 'not ready';
  throw new DeployAgentError('EVAL_PROVIDER_UNAVAILABLE', `${p.provider} cannot serve the eval run: ${why.replace(/\.+$/, '')}.`, p.hint ?? 'Run `deploy-agent ai check` for details.', { details: { providers: check.providers } });
}

type TaskContext = EvalOptions & { provider: ProviderName; model: string; config(dir?: string): ResolvedConfig; confinement: Awaited<ReturnType<typeof hiddenTestConfinement>> };

async function runTask(task: EvalTask, repeat: number, ctx: TaskContext): Promise<TaskResult> {
  const work = mkdtempSync(path.join(os.tmpdir(), `deploy-agent-eval-${task.id}-`));
  const scratch = openHistoryStore(path.join(work, 'history.db'));
  const base: TaskResult = {
    taskId: task.id,
    repeat,
    language: task.language,
    kind: task.kind,
    solved: false,
    verdict: 'error',
    falseSuccess: false,
    hidden: { passed: 0, failed: 0 },
    turns: 0,
    toolCalls: 0,
    repairs: 0,
    inputTokens: 0,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    outputTokens: 0,
    costUsd: 0,
    wallMs: 0,
    modelLoads: 0,
  };
  let repoDir: string | undefined;
  try {
    const laidOut = await materializeTask(task, work);
    repoDir = laidOut.repoDir;
    const calls: RecordedCall[] = [];
    const replays: ReplayProvider[] = [];
    let wrapProvider: ((p: ModelProvider) => ModelProvider) | undefined;
    if (ctx.replay) {
      const recording = readRecording(ctx.replay, task.id, repeat);
      wrapProvider = (p) => {
        const replay = new ReplayProvider(p.name, recording.calls);
        replays.push(replay);
        return replay;
      };
    } else if (ctx.record) wrapProvider = (p) => new RecordingProvider(p, calls);
    const ports = createRealPorts({ store: scratch, env: ctx.env, config: (dir) => ctx.config(dir), ...(wrapProvider ? { wrapProvider } : {}) });
    const orchestrator = new Orchestrator({ db: scratch.db, ports });
    const detach = ctx.onProgress ? forwardProgress(orchestrator, ctx.onProgress) : undefined;
    const started = performance.now();
    let outcome;
    try {
      outcome = await orchestrator.deploy({ recommendationFile: laidOut.recommendationFile, workspaceDir: repoDir, mode: 'review', strategy: ctx.strategy, keepWorktree: true, wait: false }, ctx.signal);
    } finally {
      detach?.();
    }
    const wallMs = performance.now() - started;
    const verdict = verdictOf(outcome.status);
    const hidden = outcome.worktree && existsSync(outcome.worktree)
      ? await runHiddenTests(task, outcome.worktree, { confinement: ctx.confinement, env: ctx.env, repoRoot: repoDir, signal: ctx.signal })
      : { solved: false, passed: 0, failed: 0, error: 'the deployment left no sandbox to test' };
    if (outcome.status === 'awaiting-review') await orchestrator.discard(outcome.id).catch(() => undefined);
    if (ctx.record) writeRecording(ctx.record, { format: 'deploy-agent-eval-recording/1', taskId: task.id, repeat, provider: ctx.provider, model: ctx.model, calls } satisfies Recording);
    const divergences = replays.reduce((n, r) => n + r.divergences, 0);
    return {
      ...base,
      ...figures(scratch, outcome.id),
      solved: hidden.solved,
      verdict,
      falseSuccess: verdict === 'succeeded' && !hidden.solved,
      hidden: { passed: hidden.passed, failed: hidden.failed, ...(hidden.error ? { error: hidden.error } : {}) },
      repairs: outcome.repairs,
      wallMs,
      ...(outcome.error ? { error: `${outcome.error.code}: ${outcome.error.message}` } : divergences ? { error: `the replay diverged from the recording in ${plural(divergences, 'turn')}` } : {}),
    };
  } catch (error) {
    if (ctx.signal.aborted) return { ...base, verdict: 'cancelled', error: 'cancelled' };
    return { ...base, error: describeError(error) };
  } finally {
    scratch.close();
    if (repoDir) rmSync(sandboxRoot(repoDir), { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  }
}

function verdictOf(status: string): PipelineVerdict {
  if (status === 'awaiting-review' || status === 'succeeded') return 'succeeded';
  if (status === 'setup-failed' || status === 'refused') return 'setup-failed';
  if (status === 'cancelled') return 'cancelled';
  return 'failed';
}

/** What the deployment took, from its scratch history: model calls, tools, tokens, cost, loads. */
function figures(store: HistoryStore, deploymentId: string): Pick<TaskResult, 'turns' | 'toolCalls' | 'inputTokens' | 'cacheReadTokens' | 'cacheWriteTokens' | 'outputTokens' | 'costUsd' | 'modelLoads'> {
  const calls = store.db
    .prepare(
      `SELECT count(*) AS turns, coalesce(sum(input_tokens), 0) AS inputTokens, coalesce(sum(cache_read_tokens), 0) AS cacheReadTokens, coalesce(sum(cache_write_tokens), 0) AS cacheWriteTokens,
              coalesce(sum(output_tokens), 0) AS outputTokens, coalesce(sum(cost_usd), 0) AS costUsd
         FROM ai_model_calls WHERE deployment_id = ? AND status = 'ok'`,
    )
    .get(deploymentId) as { turns: number; inputTokens: number; cacheReadTokens: number; cacheWriteTokens: number; outputTokens: number; costUsd: number };
  const toolCalls = store.db.prepare(`SELECT count(*) FROM events WHERE deployment_id = ? AND type = 'agent.tool'`).pluck().get(deploymentId) as number;
  const loads = (store.db.prepare(`SELECT inputs FROM decisions WHERE deployment_id = ? AND kind = 'model-load'`).pluck().all(deploymentId) as (string | null)[]).filter(
    (inputs) => (JSON.parse(inputs ?? '{}') as { kind?: string }).kind === 'load',
  ).length;
  return { ...calls, costUsd: Math.round(calls.costUsd * 1e6) / 1e6, toolCalls, modelLoads: loads };
}

function forwardProgress(orchestrator: Orchestrator, onProgress: (message: string) => void): () => void {
  const off = orchestrator.events.on((event) => {
    if (event.type === 'step.started') onProgress(event.step);
    else if (event.type === 'step.progress') onProgress(`${event.step}: ${event.message}`);
  });
  return () => void off();
}
