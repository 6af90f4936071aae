// The pipeline's own overhead for a dry run (everything but model time) on a generated
// 2,000-file repository, with a scripted model that answers instantly (the fake Ollama server
// over HTTP, so the real client is in the loop): validation, safety gates, analysis, strategy,
// worktree, three agent phases, test runs (a planted failure and one repair), review, learn.
// Reported separately: the whole dry run, worktree creation (the sandbox step), test-run setup
// (the run-tests step minus the time its test process ran; raw, so a negative figure would show
// a clock disagreement instead of hiding it) and the test processes themselves.
// Target: the pipeline's overhead — the whole dry run minus the time the project's test
// processes ran (three `node --test` runs; their time is the project's, not the pipeline's) —
// under 2 s. The whole dry run has no target. Run alone: npx tsx bench/pipeline.bench.ts
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { resolveConfig } from '../src/core/config/resolve';
import { Orchestrator } from '../src/core/pipeline/orchestrator';
import { createRealPorts } from '../src/core/pipeline/real-ports';
import { openHistoryStore } from '../src/core/store/database';
import { StepsRepository, TestRunsRepository } from '../src/core/store/steps';
import { createFixtureRepo, git } from '../test/integration/pipeline/repos';
import { RECOMMENDATION, scriptPlantedFailure } from '../test/integration/pipeline/harness';
import { FakeOllama } from '../test/support/fake-ollama';
import { tempDir } from '../test/support/temp';
import { median, target, timing, verdict } from './support';

const FILES = 2000;
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const TARGET_MS = 2000;

function generateRepo(parent: string): string {
  const repo = createFixtureRepo(parent, 'node', { dirty: true });
  let n = 0;
  for (let pkg = 0; n < FILES - 8; pkg++) {
    for (let f = 0; f < 40 && n < FILES - 8; f++, n++) {
      const dir = path.join(repo.dir, 'src', `pkg${pkg}`, f % 2 ? 'util' : 'core');
      mkdirSync(dir, { recursive: true });
      writeFileSync(
        path.join(dir, `mod${f}.js`),
        `const { add } = require('${'../'.repeat(3)}src/calc');\n\n/** Module ${pkg}/${f}. */\nfunction f${f}(x) {\n  return add(x, ${f});\n}\n\nmodule.exports = { f${f} };\n`,
      );
    }
  }
  // Committed on their own; the developer's staged/unstaged/untracked changes and stash stay as they are.
  git(repo.dir, 'add', '-A', 'src');
  git(repo.dir, 'commit', '-qm', 'generated modules', '--', 'src');
  return repo.dir;
}

async function main(): Promise<void> {
  const tmp = tempDir('deploy-agent-bench-pipeline-');
  const ollama = new FakeOllama();
  await ollama.listen();
  const repo = generateRepo(tmp.path);
  const recommendation = path.join(tmp.path, 'recommendation.json');
  writeFileSync(recommendation, JSON.stringify(RECOMMENDATION));
  const env = { ...process.env, OLLAMA_HOST: ollama.url, DEPLOY_AGENT_AI_PROVIDERS: 'ollama', ANTHROPIC_API_KEY: '', GITHUB_TOKEN: '' };
  const totals: number[] = [];
  const overheads: number[] = [];
  const worktrees: number[] = [];
  const testSetups: number[] = [];
  const testProcesses: number[] = [];
  const store = openHistoryStore(path.join(tmp.path, 'history.db'));
  const perStep: Record<string, number[]> = {};
  let status = '';
  let testRunCount = 0;
  let testRunSteps: string[] = [];
  try {
    for (let run = 0; run <= RUNS; run++) {
      scriptPlantedFailure(ollama, 'node');
      // One history (the analysis cache warms up as it would for a user); the model response cache is off, so the model is asked every time.
      const runStore = store;
      const orchestrator = new Orchestrator({ db: runStore.db, ports: createRealPorts({ store: runStore, env, config: (dir) => resolveConfig({ workspaceDir: dir, env, editor: { 'ai.cacheTtlSeconds': 0 } }) }) });
      const started = performance.now();
      const outcome = await orchestrator.deploy(
        { recommendationFile: recommendation, workspaceDir: repo, mode: 'dry-run', strategy: 'balanced', keepWorktree: false, wait: false },
        new AbortController().signal,
      );
      const total = performance.now() - started;
      status = outcome.status;
      const rows = new StepsRepository(runStore.db).list(outcome.id);
      const testRuns = new TestRunsRepository(runStore.db).list(outcome.id);
      if (outcome.status !== 'succeeded' || outcome.repairs !== 1) throw new Error(`the dry run ${outcome.status} (repairs ${outcome.repairs}): ${outcome.error?.code} ${outcome.error?.message}`);
      const duration = (name: string) => rows.filter((r) => r.name === name).reduce((sum, r) => sum + ((r.finishedAt ?? r.startedAt) - r.startedAt), 0);
      const testProcessMs = testRuns.reduce((sum, r) => sum + (r.durationMs ?? 0), 0);
      if (run === 0) continue; // warm-up (module loading, file-system caches)
      totals.push(total);
      overheads.push(total - testProcessMs);
      worktrees.push(duration('sandbox'));
      // Every run-tests step minus the test processes it ran itself (matched by step id, so a
      // test run of another step, e.g. a repair round's, is never subtracted here).
      const ranIn = (stepId: number) => testRuns.filter((t) => t.stepId === stepId).reduce((sum, t) => sum + (t.durationMs ?? 0), 0);
      testSetups.push(rows.filter((r) => r.name === 'run-tests').reduce((sum, r) => sum + ((r.finishedAt ?? r.startedAt) - r.startedAt) - ranIn(r.id), 0));
      testRunCount = testRuns.length;
      testRunSteps = [...new Set(testRuns.map((t) => rows.find((r) => r.id === t.stepId)?.name ?? 'none'))];
      testProcesses.push(testProcessMs);
      for (const r of rows) (perStep[r.name] ??= []).push((r.finishedAt ?? r.startedAt) - r.startedAt);
    }
  } finally {
    store.close();
    await ollama.close();
    tmp.cleanup();
  }
  const line = (name: string, timed: string, values: number[], extra: Record<string, unknown> = {}) =>
    console.log(JSON.stringify({ name, timed, ...timing(values, 0), samplesMs: values.map((v) => Math.round(v)), files: FILES, ...extra }));
  line('pipeline.dryRun.overhead', `a dry run of a ${FILES}-file repository (fake model) minus the time its test processes ran`, overheads, { ...verdict(target('median', Math.round(median(overheads)), '<', TARGET_MS, 'ms')), status });
  line('pipeline.dryRun.total', `the whole dry run of a ${FILES}-file repository, test processes included`, totals);
  line('pipeline.worktreeCreation', 'the sandbox step (git worktree add)', worktrees);
  line('pipeline.testRunSetup', 'the run-tests step minus its test process (framework detection, spawn, parsing, persistence)', testSetups);
  console.log(JSON.stringify({ name: 'pipeline.dryRun.steps', medianMsByStep: Object.fromEntries(Object.entries(perStep).map(([k, v]) => [k, median(v)])) }));
  line('pipeline.testProcesses', `the project's test processes of one dry run (${testRunCount} node --test runs, in ${testRunSteps.join(' and ')}): the project's time, not overhead`, testProcesses, { testRunsPerDryRun: testRunCount });
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
