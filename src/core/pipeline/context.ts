import { execFileSync } from 'node:child_process';
import { statfsSync } from 'node:fs';
import os from 'node:os';
import { analyzeIntegration, analyzeWorkspace, checkDataRequirements } from '../analysis';
import type { Recommendation } from '../recommendation/types';
import type { HistoryStore } from '../store/database';
import { detectEnvironment, environmentSettings } from '../strategy/environment';
import type { MetricsReading } from '../strategy/types';
import type { ContextInfo } from './ports';

/** Tokens of the repository map in every phase's prompt. */
export const REPO_MAP_TOKENS = 4000;
/** What the analysis adds to the first prompt beyond the recommendation: the map, ranked points, the profile (a warm-up sizes the model's context with it). */
export const ANALYSIS_PROMPT_TOKENS = REPO_MAP_TOKENS + 2500;

/**
 * The part of a deployment's context that is not analysis: the environment with its evidence and
 * one reading of the machine. The reading uses only calls that answer at once (load average, free
 * memory, statfs) — the pipeline's overhead budget has no room for systeminformation's 500 ms
 * first `currentLoad` — and gives the strategy what its safety overrides and blocks need.
 */
export function baseContext(repoRoot: string, env: NodeJS.ProcessEnv, config?: { get<T>(key: string): T }): ContextInfo {
  const environmentDetection = detectEnvironment({ env, branch: currentBranch(repoRoot), ...environmentSettings(config) });
  return { environment: environmentDetection.environment, environmentDetection, metrics: readMachineNow(repoRoot), dataGaps: [] };
}

/**
 * The context step's work (and the preview's, before any sandbox exists): environment and machine
 * reading, the project profile (cached structure map), the data the recommendation needs that the
 * repository does not declare, and the ranked integration points with the repository map. A
 * failed integration analysis is a warning: the deployment goes on without ranked points.
 */
export async function gatherDeploymentContext(input: {
  repoRoot: string;
  recommendation: Recommendation;
  store: HistoryStore;
  env: NodeJS.ProcessEnv;
  config: { get<T>(key: string): T };
  signal: AbortSignal;
  onProgress?(message: string): void;
  /** The background sampler's newest reading for a repository (the extension runs one; the CLI reads the machine once). */
  latestMetrics?(repoRoot: string): MetricsReading | undefined;
}): Promise<ContextInfo> {
  const { repoRoot, recommendation, signal } = input;
  const context = baseContext(repoRoot, input.env, input.config);
  // A sampled reading adds the trend and the latencies to the model and the git remote.
  const sampled = input.latestMetrics?.(repoRoot);
  if (sampled) context.metrics = { ...context.metrics, ...sampled, diskFreeBytes: sampled.diskFreeBytes ?? context.metrics?.diskFreeBytes ?? null } as MetricsReading;
  input.onProgress?.('mapping the workspace');
  const profile = await analyzeWorkspace(repoRoot, { store: input.store, signal });
  context.profile = profile as unknown as Record<string, unknown>;
  context.dataGaps = checkDataRequirements(profile, recommendation).map((gap) => gap.message);
  input.onProgress?.('ranking integration points');
  try {
    const integration = await analyzeIntegration(repoRoot, profile, recommendation, { signal, tokenBudget: REPO_MAP_TOKENS });
    context.integration = {
      integrationPoints: integration.rankedFiles.slice(0, 20).map((f) => ({ path: f.path, score: f.score, reason: f.reasons.join('; '), symbols: f.symbols })),
      repoMap: integration.repoMap,
      suggestedLocations: integration.suggestedLocations,
      missingDependencies: integration.missingDependencies,
    };
  } catch (error) {
    if (signal.aborted) throw error;
    (context.warnings ??= []).push(`The integration analysis failed, so the model gets no ranked integration points: ${(error as Error).message}`);
  }
  return context;
}

export function readMachineNow(dir: string): MetricsReading {
  const cores = os.cpus().length || 1;
  const load1 = os.loadavg()[0]!;
  const total = os.totalmem();
  const free = os.freemem();
  let diskFreeBytes: number | null;
  try {
    const fs = statfsSync(dir);
    diskFreeBytes = fs.bavail * fs.bsize;
  } catch {
    diskFreeBytes = null; // a file system that does not answer statfs: no disk evidence
  }
  return {
    cpuLoadPercent: Math.min(100, Math.round((load1 / cores) * 1000) / 10),
    memoryUsedPercent: Math.round((1 - free / total) * 1000) / 10,
    memoryAvailableBytes: free,
    diskFreeBytes,
    loadAverage1: Math.round(load1 * 100) / 100,
    sampledAt: Date.now(),
  };
}

function currentBranch(repoRoot: string): string | undefined {
  try {
    const name = execFileSync('git', ['symbolic-ref', '--short', 'HEAD'], { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return name && name !== 'HEAD' ? name : undefined;
  } catch {
    return undefined; // detached HEAD: the branch is no evidence
  }
}
