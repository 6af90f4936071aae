import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { EvalStore } from '../../../src/core/eval/store';
import { loadTasks } from '../../../src/core/eval/tasks';
import type { EvalRun, EvalTask, TaskResult } from '../../../src/core/eval/types';
import { openHistoryStore } from '../../../src/core/store/database';
import { CLI_PATH, runBuiltCli } from '../../support/cli';
import { scriptEvalAgent, solutionFiles, TURN_USAGE, type EvalScriptPlan, type ScriptedFile } from '../../support/fake-eval-agent';
import { FakeAnthropic } from '../../support/fake-anthropic';
import { FakeOllama } from '../../support/fake-ollama';
import { tempDir } from '../../support/temp';

const TASKS_DIR = path.resolve(__dirname, '../../../eval/tasks');

/**
 * The subset of the suite the scripted runs use (the whole suite with a real model is
 * `deploy-agent eval`; here only what proves the harness counts honestly, in little time):
 * two tasks solved, one with a wrong implementation whose own test fails (the pipeline fails),
 * one whose test passes on a wrong implementation while the hidden tests fail (a false success).
 */
export const SCRIPTED_TASKS = ['js-inventory-low-stock', 'py-bookshelf-isbn-bug', 'js-inventory-delete-endpoint', 'js-inventory-total-bug'];

export function scriptedPlans(tasks: EvalTask[]): EvalScriptPlan[] {
  const task = (id: string) => tasks.find((t) => t.id === id)!;
  return [
    {
      task: task('js-inventory-low-stock'),
      outcome: 'solve',
      test: {
        path: 'test/low-stock.test.js',
        content:
          "const test = require('node:test');\nconst assert = require('node:assert/strict');\nconst { Inventory } = require('../src/inventory');\n\ntest('lowStock lists items below the threshold', () => {\n  const inv = new Inventory();\n  inv.addItem('A', 'Axe', 1, 900);\n  inv.addItem('B', 'Bolt', 9, 5);\n  assert.deepEqual(inv.lowStock(5).map((i) => i.sku), ['A']);\n});\n",
      },
    },
    {
      task: task('py-bookshelf-isbn-bug'),
      outcome: 'solve',
      test: {
        path: 'tests/test_isbn_check_x.py',
        content: 'from bookshelf.models import validate_isbn\n\n\ndef test_x_check_digit():\n    assert validate_isbn("0-8044-2957-X")\n\n\ndef test_wrong_check_digit():\n    assert not validate_isbn("0-8044-2957-5")\n',
      },
    },
    {
      // Wrong: delete(sku) says it removed the item and keeps it; the agent's own test sees that and fails.
      task: task('js-inventory-delete-endpoint'),
      outcome: 'wrong',
      implementation: planted(task('js-inventory-delete-endpoint'), 'src/inventory.js', 'return this.items.delete(sku);', 'return this.items.has(sku);'),
      test: {
        path: 'test/delete-endpoint.test.js',
        content:
          "const test = require('node:test');\nconst assert = require('node:assert/strict');\nconst { Inventory } = require('../src/inventory');\n\ntest('delete(sku) takes an item out', () => {\n  const inv = new Inventory();\n  inv.addItem('A', 'Axe', 1, 900);\n  assert.equal(inv.delete('A'), true);\n  assert.equal(inv.get('A'), undefined);\n});\n",
      },
    },
    {
      // False success: the total still ignores quantities (only reformatted), and the test checks only what was already right.
      task: task('js-inventory-total-bug'),
      outcome: 'false-success',
      implementation: [{ path: 'src/inventory.js', content: readFileSync(path.join(task('js-inventory-total-bug').dir, 'setup/src/inventory.js'), 'utf8').replace('total += item.priceCents;\n\n', 'total += item.priceCents;\n') }],
      test: {
        path: 'test/total-value-empty.test.js',
        content:
          "const test = require('node:test');\nconst assert = require('node:assert/strict');\nconst { Inventory } = require('../src/inventory');\n\ntest('an empty inventory is worth 0', () => {\n  assert.equal(new Inventory().totalValueCents(), 0);\n});\n",
      },
    },
  ];
}

/** The task's reference solution with one planted bug in `file` (the replacement must apply). */
function planted(task: EvalTask, file: string, search: string, replace: string): ScriptedFile[] {
  const content = readFileSync(path.join(task.dir, 'solution', file), 'utf8');
  assert.ok(content.includes(search), `${task.id}: ${file} has no "${search}" to plant a bug in`);
  return [{ path: file, content: content.replace(search, replace) }];
}

interface Expected {
  solved: boolean;
  verdict: 'succeeded' | 'failed';
  falseSuccess: boolean;
  turns: number;
  toolCalls: number;
  repairs: number;
}

/** What each plan must come to: implement (the writes, finish), tests (the write, finish), and one `finish` per repair round; the balanced strategy repairs twice. */
function expectedOf(plan: EvalScriptPlan): Expected {
  const writes = plan.outcome === 'solve' ? solutionFiles(plan.task).length : plan.implementation.length;
  const repairs = plan.outcome === 'wrong' ? 2 : 0;
  return {
    solved: plan.outcome === 'solve',
    verdict: plan.outcome === 'wrong' ? 'failed' : 'succeeded',
    falseSuccess: plan.outcome === 'false-success',
    turns: 4 + repairs,
    toolCalls: writes + 3 + repairs,
    repairs,
  };
}

const figuresOf = (r: TaskResult) => ({ solved: r.solved, verdict: r.verdict, falseSuccess: r.falseSuccess, turns: r.turns, toolCalls: r.toolCalls, repairs: r.repairs });
/** Everything a run measured except the wall time (the one figure no rerun can repeat). */
const withoutWallTime = (results: TaskResult[]) => results.map(({ wallMs, ...rest }) => (assert.ok(wallMs > 0), rest));

describe('deploy-agent eval against a scripted fake model: the printed figures are what was scripted', function () {
  this.timeout(600_000);
  const tasks = loadTasks(TASKS_DIR, SCRIPTED_TASKS.join(','));
  const plans = scriptedPlans(tasks);
  const ollama = new FakeOllama();
  ollama.whenEmpty = scriptEvalAgent(plans);
  let tmp: { path: string; cleanup(): void };
  let env: Record<string, string>;
  let liveRunId = '';
  const recordings = () => path.join(tmp.path, 'recordings');
  const cli = (args: string[]) => runBuiltCli(['eval', ...args], { env, cwd: tmp.path, timeoutMs: 590_000 });
  const stored = (id: string) => {
    const store = openHistoryStore(env.DEPLOY_AGENT_DB!);
    try {
      return new EvalStore(store.db).run(id);
    } finally {
      store.close();
    }
  };

  before(async () => {
    if (!existsSync(CLI_PATH)) throw new Error('dist/cli/cli.mjs is missing: run `npm run build` first');
    tmp = tempDir('deploy-agent-eval-cli-');
    // The CLI's own temp folder, so the test can see that the suite leaves nothing behind in it.
    mkdirSync(path.join(tmp.path, 'tmp'));
    env = {
      DEPLOY_AGENT_DB: path.join(tmp.path, 'history.db'),
      OLLAMA_HOST: await ollama.listen(),
      DEPLOY_AGENT_AI_PROVIDERS: 'ollama',
      ANTHROPIC_API_KEY: '',
      HOME: tmp.path,
      TMPDIR: path.join(tmp.path, 'tmp'),
      XDG_DATA_HOME: path.join(tmp.path, 'data'),
      XDG_CACHE_HOME: path.join(tmp.path, 'cache'),
    };
  });
  after(async () => {
    await ollama.close();
    tmp?.cleanup();
  });

  it(`prints and stores exactly what was scripted (${SCRIPTED_TASKS.join(', ')}): 2 of 4 solved, 3 said succeeded, 1 of them falsely`, async () => {
    const result = await cli(['--tasks', SCRIPTED_TASKS.join(','), '--record', recordings()]);
    assert.equal(result.code, 0, result.stderr);
    const out = result.stdout;
    liveRunId = /^Eval run ([0-9a-f]+): ollama qwen2\.5-coder:7b, /.exec(out)?.[1] ?? assert.fail(`no run id in:\n${out}`);

    // The totals, as printed.
    const turns = 4 * 4 + 2;
    assert.match(out, /^Solved: +2 of 4 \(50%\) — the hidden acceptance tests passed$/m);
    assert.match(out, /^Pipeline verdict: +3 said succeeded, of which 1 falsely \(hidden tests fail\)$/m);
    const toolCalls = plans.reduce((n, p) => n + expectedOf(p).toolCalls, 0);
    assert.match(out, new RegExp(`^Turns / tools: +${turns} model turns, ${toolCalls} tool calls, 2 repair rounds$`, 'm'));
    const input = (turns * TURN_USAGE.inputTokens).toLocaleString('en-US');
    assert.match(out, new RegExp(`^Tokens: +${input} input \\(0 read from the prompt cache, 0 written to it, ${input} uncached\\), ${(turns * TURN_USAGE.outputTokens).toLocaleString('en-US')} output$`, 'm'));
    assert.match(out, /^Cost: +\$0\.0000$/m); // a local model costs nothing
    // One load for the whole suite: the first deployment loads the model, the others find it loaded with the context they need.
    assert.match(out, /^Model loads: +1$/m);
    assert.equal(ollama.loads.length, 1, 'the fake Ollama itself counted one load');

    // Each task's row, as printed: solved, the pipeline's verdict, turns, tool calls, repairs.
    for (const plan of plans) {
      const e = expectedOf(plan);
      const line = out.split('\n').find((l) => l.startsWith(`${plan.task.id} `)) ?? assert.fail(`no row for ${plan.task.id}:\n${out}`);
      const cells = line.split(/ {2,}/);
      assert.equal(cells[1], '#1');
      assert.match(cells[2]!, e.solved ? /^yes \(\d+\)$/ : /^no \(\d+ of \d+ failed\)$/, `${plan.task.id}: solved`);
      assert.equal(cells[3], `${e.verdict}${e.falseSuccess ? ' (FALSE)' : ''}`, `${plan.task.id}: verdict`);
      assert.deepEqual(cells.slice(4, 7), [String(e.turns), String(e.toolCalls), String(e.repairs)], `${plan.task.id}: turns, tool calls, repairs`);
    }

    // Stored as printed.
    const run = stored(liveRunId);
    assert.equal(run.run.source, 'live');
    assert.deepEqual(run.results.map((r) => [r.taskId, figuresOf(r)]), [...plans].sort((x, y) => x.task.id.localeCompare(y.task.id)).map((p) => [p.task.id, expectedOf(p)]));
    assert.deepEqual([run.summary.solved, run.summary.pipelineSucceeded, run.summary.falseSuccesses, run.summary.turns, run.summary.modelLoads], [2, 3, 1, turns, 1]);
    // Every deployment was discarded: no sandbox, no task repository left in the temp folder.
    assert.deepEqual(leftovers(env.TMPDIR!), []);
  });

  it('replays the recording twice with no model: identical figures both times, and as recorded', async () => {
    assert.ok(liveRunId, 'the live run above did not run');
    const chatsBefore = ollama.chats.length;
    await ollama.close(); // nothing answers at OLLAMA_HOST any more
    const replays = [];
    for (let i = 0; i < 2; i++) {
      const result = await cli(['--tasks', SCRIPTED_TASKS.join(','), '--replay', recordings(), '--json']);
      assert.equal(result.code, 0, result.stderr);
      replays.push(JSON.parse(result.stdout) as EvalRun);
    }
    assert.equal(ollama.chats.length, chatsBefore);
    const [a, b] = replays as [EvalRun, EvalRun];
    assert.equal(a.run.source, 'replay');
    assert.deepEqual(withoutWallTime(a.results), withoutWallTime(b.results));
    assert.deepEqual(withoutWallTime(a.results), withoutWallTime(stored(liveRunId).results));
    assert.deepEqual(withoutWallTime(stored(a.run.id).results), withoutWallTime(a.results));

    const compared = await cli(['compare', a.run.id, b.run.id]);
    assert.equal(compared.code, 0, compared.stderr);
    assert.match(compared.stdout, /^solved +2 +2 +0$/m);
    assert.match(compared.stdout, /^false successes +1 +1 +0$/m);
    const runs = await cli(['runs', '--json']);
    assert.deepEqual(
      (JSON.parse(runs.stdout) as { id: string; source: string; solved: number; results: number }[]).map((r) => [r.id, r.source, r.solved, r.results]),
      [[b.run.id, 'replay', 2, 4], [a.run.id, 'replay', 2, 4], [liveRunId, 'live', 2, 4]],
    );
    assert.deepEqual(leftovers(env.TMPDIR!), []);
  });
});

/**
 * The Anthropic side: tokens read from and written to the prompt cache and the cost, as the fake
 * Messages API reported them and as the published prices of claude-sonnet-4-5 make them
 * (written here, not taken from the code's price table): $3 input, $3.75 cache writes, $0.30
 * cache reads, $15 output per million tokens. Two tasks: one solved, one false success.
 */
describe('deploy-agent eval against a scripted fake Anthropic: cached and uncached tokens and the cost are what the API reported', function () {
  this.timeout(600_000);
  const ids = ['js-inventory-low-stock', 'js-inventory-total-bug'];
  const plans = scriptedPlans(loadTasks(TASKS_DIR, SCRIPTED_TASKS.join(','))).filter((p) => ids.includes(p.task.id));
  const apiKey = 'sk-ant-eval-test-9f3c2a7b51d04e88';

  it(`${ids.join(', ')}: 1 solved, 1 false success, the cache figures and the cost as billed`, async () => {
    if (!existsSync(CLI_PATH)) throw new Error('dist/cli/cli.mjs is missing: run `npm run build` first');
    const anthropic = new FakeAnthropic({ apiKey, models: ['claude-sonnet-4-5'] });
    anthropic.whenEmpty = scriptEvalAgent(plans, { outputTokens: TURN_USAGE.outputTokens });
    const tmp = tempDir('deploy-agent-eval-cli-');
    try {
      mkdirSync(path.join(tmp.path, 'tmp'));
      const env = {
        DEPLOY_AGENT_DB: path.join(tmp.path, 'history.db'),
        ANTHROPIC_BASE_URL: await anthropic.listen(),
        ANTHROPIC_API_KEY: apiKey,
        DEPLOY_AGENT_AI_PROVIDERS: 'anthropic',
        HOME: tmp.path,
        TMPDIR: path.join(tmp.path, 'tmp'),
        XDG_DATA_HOME: path.join(tmp.path, 'data'),
        XDG_CACHE_HOME: path.join(tmp.path, 'cache'),
      };
      const recordings = path.join(tmp.path, 'recordings');
      const result = await runBuiltCli(['eval', '--provider', 'anthropic', '--model', 'claude-sonnet-4-5', '--tasks', ids.join(','), '--record', recordings, '--json'], { env, cwd: tmp.path, timeoutMs: 590_000 });
      assert.equal(result.code, 0, result.stderr);
      const run = JSON.parse(result.stdout) as EvalRun;
      assert.deepEqual([run.run.provider, run.run.model], ['anthropic', 'claude-sonnet-4-5']);
      assert.deepEqual([run.summary.solved, run.summary.pipelineSucceeded, run.summary.falseSuccesses], [1, 2, 1]);

      const billed = anthropic.cache.usages;
      assert.equal(billed.length, run.summary.turns, 'one billed request per model turn');
      const sum = (pick: (u: (typeof billed)[number]) => number) => billed.reduce((n, u) => n + pick(u), 0);
      const read = sum((u) => u.cache_read_input_tokens);
      const written = sum((u) => u.cache_creation_input_tokens);
      const plain = sum((u) => u.input_tokens);
      assert.ok(read > 0, 'every turn after the first of a phase reads its prefix from the cache');
      assert.deepEqual(
        [run.summary.inputTokens, run.summary.cacheReadTokens, run.summary.cacheWriteTokens, run.summary.outputTokens],
        [plain + read + written, read, written, run.summary.turns * TURN_USAGE.outputTokens],
      );
      const cost = (plain * 3 + written * 3.75 + read * 0.3 + run.summary.outputTokens * 15) / 1e6;
      assert.ok(Math.abs(run.summary.costUsd - cost) < 1e-5, `cost ${run.summary.costUsd}, billed ${cost}`);

      // The key reaches neither the history nor a recording.
      const stored = [...readdirSync(tmp.path).filter((n) => n.startsWith('history.db')).map((n) => readFileSync(path.join(tmp.path, n))), ...readdirSync(recordings, { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).map((d) => readFileSync(path.join(d.parentPath, d.name)))];
      assert.ok(stored.every((bytes) => !bytes.includes(apiKey)), 'the API key was written to the history or a recording');
      assert.deepEqual(leftovers(env.TMPDIR), []);
    } finally {
      await anthropic.close();
      tmp.cleanup();
    }
  });
});

/** What an eval run could leave in its temp folder: task repositories and review sandboxes. */
function leftovers(tmp: string): string[] {
  const sandboxes = path.join(tmp, 'deploy-agent-worktrees');
  return [...readdirSync(tmp).filter((n) => n.startsWith('deploy-agent-eval-')), ...(existsSync(sandboxes) ? readdirSync(sandboxes).map((n) => `deploy-agent-worktrees/${n}`) : [])];
}
