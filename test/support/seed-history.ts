// A known history for the sidebar's tests (extension host, e2e, screenshots), inserted through
// core's own recording functions as the pipeline leaves a deployment: the deployments row, its
// steps (context profile, strategy levers, the failing step), test runs, strategy decision and
// model calls, then the learning's recordOutcome; a rollback as `deploy-agent rollback` records
// it. Idempotent: ids are fixed, and a deployment already there is left alone.
// From a shell (the e2e run): test/support/seed-history-cli.ts.
import path from 'node:path';
import { AiStore } from '../../src/core/ai/store';
import { plural } from '../../src/core/plural';
import { recordOutcome } from '../../src/core/learning';
import type { HistoryStore } from '../../src/core/store/database';
import { DeploymentsRepository, type DeploymentStatus } from '../../src/core/store/deployments';
import type { DeploymentState } from '../../src/core/store/deployment-states';
import { StepsRepository, TestRunsRepository } from '../../src/core/store/steps';

const MIN = 60_000;
const DAY = 86_400_000;

interface Seed {
  key: string;
  title: string;
  state: DeploymentState;
  daysAgo: number;
  minutes: number;
  strategy: 'conservative' | 'balanced' | 'aggressive';
  mode?: 'dry-run' | 'local-commit' | 'full-pr';
  environment?: string;
  /** Test runs in order: [passed, failed]. */
  runs?: [number, number][];
  /** Model tokens and cost of the deployment. */
  tokens?: number;
  costUsd?: number;
  other?: boolean;
}

/** The history. States: 7 shipped, 2 failed, 1 stopped at setup, 1 rolled back, 1 cancelled, 1 interrupted, 1 tested (dry run); 3 more in another repository. */
export const SEEDS: readonly Seed[] = [
  { key: 'a01', title: 'Add a greeting for the morning', state: 'shipped', daysAgo: 19, minutes: 6, strategy: 'balanced', runs: [[4, 0]], tokens: 18_000, costUsd: 0.08 },
  { key: 'a02', title: 'Refactor greet() into a module of salutations', state: 'shipped', daysAgo: 17, minutes: 11, strategy: 'conservative', mode: 'local-commit', runs: [[5, 1], [6, 0]], tokens: 42_000, costUsd: 0.19 },
  { key: 'a03', title: 'Localise greetings (fr, de, ja)', state: 'failed', daysAgo: 15, minutes: 4, strategy: 'aggressive', runs: [[3, 2], [4, 1], [4, 1]], tokens: 61_000, costUsd: 0.27 },
  { key: 'a04', title: 'Add a Dockerfile', state: 'shipped', daysAgo: 13, minutes: 7, strategy: 'balanced', runs: [[6, 0]], tokens: 22_000, costUsd: 0 },
  { key: 'a05', title: 'Add a CI pipeline (GitHub Actions) that runs the tests on every pull request and on main', state: 'rolled-back', daysAgo: 11, minutes: 5, strategy: 'aggressive', runs: [[6, 0]], tokens: 15_000, costUsd: 0.05 },
  { key: 'a06', title: 'Greet by time of day', state: 'shipped', daysAgo: 9, minutes: 8, strategy: 'balanced', runs: [[7, 1], [8, 0]], tokens: 31_000, costUsd: 0.12 },
  { key: 'a07', title: 'Try a faster test runner', state: 'tested', daysAgo: 8, minutes: 3, strategy: 'aggressive', mode: 'dry-run', runs: [[8, 0]], tokens: 9_000, costUsd: 0 },
  { key: 'a08', title: 'Add an .env.example', state: 'cancelled', daysAgo: 7, minutes: 1, strategy: 'balanced', tokens: 2_000, costUsd: 0 },
  { key: 'a09', title: 'Validate names (no empty strings)', state: 'shipped', daysAgo: 5, minutes: 9, strategy: 'conservative', runs: [[9, 0]], tokens: 27_000, costUsd: 0.11 },
  { key: 'a10', title: 'Stream greetings to a websocket', state: 'failed', daysAgo: 4, minutes: 14, strategy: 'balanced', runs: [[6, 3], [7, 2], [8, 1]], tokens: 88_000, costUsd: 0.41 },
  { key: 'a11', title: 'Add a health endpoint', state: 'shipped', daysAgo: 3, minutes: 6, strategy: 'balanced', runs: [[10, 0]], tokens: 20_000, costUsd: 0.07 },
  { key: 'a12', title: 'Add a changelog entry on release', state: 'interrupted', daysAgo: 2, minutes: 2, strategy: 'balanced', tokens: 4_000, costUsd: 0.01 },
  { key: 'a14', title: 'Add a changelog (no model was reachable)', state: 'stopped', daysAgo: 10, minutes: 0, strategy: 'balanced' },
  { key: 'a13', title: 'Greet in the user’s preferred name', state: 'shipped', daysAgo: 1, minutes: 7, strategy: 'balanced', runs: [[11, 1], [12, 0]], tokens: 35_000, costUsd: 0.15 },
  { key: 'b01', title: 'Add pagination to the orders list', state: 'shipped', daysAgo: 12, minutes: 10, strategy: 'balanced', runs: [[30, 0]], environment: 'staging', other: true, tokens: 40_000, costUsd: 0.2 },
  { key: 'b02', title: 'Cache the product catalogue', state: 'failed', daysAgo: 6, minutes: 12, strategy: 'aggressive', runs: [[28, 2]], environment: 'staging', other: true, tokens: 50_000, costUsd: 0.3 },
  { key: 'b03', title: 'Cache the product catalogue (again)', state: 'shipped', daysAgo: 6, minutes: 9, strategy: 'conservative', runs: [[30, 0]], environment: 'staging', other: true, tokens: 30_000, costUsd: 0.1 },
];

export interface SeededHistory {
  repoPath: string;
  otherRepoPath: string;
  /** Deployment id by seed key. */
  ids: Record<string, string>;
  /** What was inserted now (0 when everything was already there). */
  inserted: number;
}

const STATUS: Record<DeploymentState, DeploymentStatus> = {
  running: 'running',
  'awaiting-review': 'running',
  interrupted: 'interrupted',
  shipped: 'succeeded',
  tested: 'succeeded',
  failed: 'failed',
  stopped: 'setup-failed',
  cancelled: 'cancelled',
  'rolled-back': 'succeeded',
};

/** Inserts SEEDS (the first 13 in `repoPath`, the rest in `otherRepoPath`), relative to `now`. */
export function seedHistory(store: HistoryStore, options: { repoPath: string; otherRepoPath?: string; now?: number; /** Only the first N seeds. */ only?: number; /** The ids' prefix (another repository's copy of the seeds needs its own). */ idPrefix?: string }): SeededHistory {
  const now = options.now ?? Date.now();
  const otherRepoPath = options.otherRepoPath ?? path.join(path.dirname(options.repoPath), 'shop-backend');
  const db = store.db;
  const deployments = new DeploymentsRepository(db);
  const steps = new StepsRepository(db);
  const runs = new TestRunsRepository(db);
  const ai = new AiStore(db);
  const ids: Record<string, string> = {};
  let inserted = 0;
  for (const [i, seed] of SEEDS.slice(0, options.only ?? SEEDS.length).entries()) {
    const id = `${options.idPrefix ?? 'seed'}-${seed.key}-${slug(seed.title)}`.slice(0, 36);
    ids[seed.key] = id;
    if (deployments.get(id)) continue;
    const repoPath = seed.other ? otherRepoPath : options.repoPath;
    const mode = seed.mode ?? 'full-pr';
    const createdAt = now - seed.daysAgo * DAY - (i % 5) * 37 * MIN - 2 * 3_600_000;
    const finished = seed.state !== 'interrupted';
    const shipped = seed.state === 'shipped' || seed.state === 'rolled-back';
    const status = STATUS[seed.state];
    const lastRun = seed.runs?.at(-1);
    deployments.insert({
      id,
      repoPath,
      title: seed.title,
      category: i % 3 === 0 ? 'feature' : i % 3 === 1 ? 'refactor' : 'infrastructure',
      recommendation: JSON.stringify({ title: seed.title, description: `${seed.title}.`, category: 'feature', acceptanceCriteria: ['the tests pass'] }),
      status,
      mode,
      strategy: seed.strategy,
      environment: seed.environment ?? 'development',
      branch: `deploy-agent/${slug(seed.title)}-${id.slice(-6)}`,
      commitSha: shipped ? (i * 2654435761 + 7).toString(16).padStart(40, 'a').slice(0, 40) : null,
      prUrl: shipped && mode === 'full-pr' ? `https://github.com/acme/${seed.other ? 'shop-backend' : 'greeter'}/pull/${100 + i}` : null,
      createdAt,
      startedAt: createdAt,
      finishedAt: finished ? createdAt + seed.minutes * MIN : null,
      durationMs: finished ? seed.minutes * MIN : null,
      errorCode: seed.state === 'failed' ? 'TESTS_FAILED' : seed.state === 'cancelled' ? 'CANCELLED' : seed.state === 'stopped' ? 'NO_PROVIDER' : null,
      errorMessage:
        seed.state === 'failed'
          ? `${plural(lastRun?.[1] ?? 1, 'test')} still ${(lastRun?.[1] ?? 1) === 1 ? 'fails' : 'fail'} after ${plural((seed.runs?.length ?? 1) - 1, 'repair round')}.`
          : seed.state === 'cancelled'
            ? 'The deployment was cancelled.'
            : seed.state === 'stopped'
              ? 'No model provider can serve the deployment.'
              : null,
    });
    const at = (k: number) => createdAt + k * 20_000;
    const step = (name: Parameters<StepsRepository['start']>[1], k: number, outcome: 'succeeded' | 'failed', artifacts?: unknown) =>
      steps.finish(steps.start(id, name, at(k)), { status: outcome, at: at(k + 1), ...(artifacts === undefined ? {} : { artifacts }) });
    step('validate', 0, 'succeeded');
    step('context', 1, 'succeeded', { context: { environment: seed.environment ?? 'development', profile: { primaryLanguage: 'JavaScript', frameworks: [{ name: seed.other ? 'express' : 'node-test', confidence: 0.9 }] } } });
    step('strategy', 2, 'succeeded', { levers: { name: seed.strategy, testScope: seed.strategy === 'conservative' ? 'full' : 'related', repairRounds: seed.strategy === 'aggressive' ? 1 : 2, draftPr: false, timeLimitMs: 900_000 } });
    db.prepare(`INSERT INTO decisions (deployment_id, kind, chosen, inputs, reason, created_at) VALUES (?, 'strategy', ?, ?, 'seeded history', ?)`).run(
      id,
      seed.strategy,
      JSON.stringify({ requested: 'auto', basis: 'model' }),
      at(2),
    );
    for (const [k, [passed, failedTests]] of (seed.runs ?? []).entries()) {
      runs.insert({ deploymentId: id, stepId: null, framework: 'node-test', command: 'node --test', passed, failed: failedTests, skipped: 0, durationMs: 1200 + k * 100, coverage: null, output: failedTests ? `not ok ${failedTests} - greets by name\n  AssertionError [ERR_ASSERTION]: Expected values to be strictly equal` : 'ok', createdAt: at(4 + k) });
    }
    if (seed.state === 'failed') step('run-tests', 8, 'failed');
    if (seed.tokens) {
      ai.recordCall({ deploymentId: id, phase: 'implement', provider: seed.costUsd ? 'anthropic' : 'ollama', model: seed.costUsd ? 'claude-sonnet-4-6' : 'qwen2.5-coder:7b', inputTokens: Math.round(seed.tokens * 0.8), outputTokens: Math.round(seed.tokens * 0.2), costUsd: seed.costUsd ?? 0, durationMs: 4000, cached: false, attempts: 1, status: 'ok' }, at(3));
    }
    if (seed.state === 'rolled-back') {
      // As `deploy-agent rollback` leaves it: the status, and the rollback decision.
      deployments.update(id, { status: 'rolled_back' });
      db.prepare(`INSERT INTO decisions (deployment_id, kind, chosen, inputs, reason, created_at) VALUES (?, 'rollback', 'revert', '{}', 'seeded history', ?)`).run(id, createdAt + (seed.minutes + 45) * MIN);
    }
    recordOutcome(store, id, { now });
    inserted++;
  }
  return { repoPath: options.repoPath, otherRepoPath, ids, inserted };
}

/** How many seeds of `repoPath` (other = false) or of the other repository are in each state. */
export function seededStates(other = false): Partial<Record<DeploymentState, number>> {
  const counts: Partial<Record<DeploymentState, number>> = {};
  for (const s of SEEDS) if (Boolean(s.other) === other) counts[s.state] = (counts[s.state] ?? 0) + 1;
  return counts;
}

function slug(title: string): string {
  return title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 24);
}
