import assert from 'node:assert/strict';
import path from 'node:path';
import { hiddenTestConfinement, runHiddenTests } from '../../../src/core/eval/hidden';
import { loadTasks } from '../../../src/core/eval/tasks';
import { TASK_KINDS, TASK_LANGUAGES, type EvalTask } from '../../../src/core/eval/types';
import { materializeTask } from '../../../src/core/eval/workspace';
import { tempDir } from '../../support/temp';

const TASKS_DIR = path.resolve(__dirname, '../../../eval/tasks');
const only = process.env.DEPLOY_AGENT_EVAL_TASKS ?? '*';

/** Each task's hidden tests, run as the suite runs them (confined, the task's framework): on the untouched repository and on the reference solution. */
async function hiddenOn(task: EvalTask, withSolution: boolean) {
  const dir = tempDir(`deploy-agent-eval-${task.id}-`);
  try {
    const { repoDir } = await materializeTask(task, dir.path, { withSolution });
    const env = { ...process.env };
    return await runHiddenTests(task, repoDir, { confinement: await hiddenTestConfinement(env, false), env });
  } finally {
    dir.cleanup();
  }
}

describe('eval tasks: every reference solution passes its hidden tests, every untouched repository fails them', function () {
  this.timeout(600_000);
  const tasks = loadTasks(TASKS_DIR, only);

  it('the suite has at least 24 tasks over JavaScript/TypeScript, Python and Go and every kind of change', function () {
    if (only !== '*') this.skip();
    assert.ok(tasks.length >= 24, `${tasks.length} tasks`);
    for (const language of TASK_LANGUAGES) assert.ok(tasks.some((t) => t.language === language), `no ${language} task`);
    for (const kind of TASK_KINDS) assert.ok(tasks.some((t) => t.kind === kind), `no ${kind} task`);
    for (const task of tasks) assert.equal(task.recommendation.id, task.id, `${task.id}: the recommendation's id names the task`);
  });

  for (const task of tasks) {
    it(`${task.id} (${task.language}, ${task.kind})`, async () => {
      const untouched = await hiddenOn(task, false);
      assert.equal(untouched.solved, false, `the untouched repository passes the hidden tests of ${task.id}:\n${untouched.output}`);
      const reference = await hiddenOn(task, true);
      assert.equal(reference.solved, true, `the reference solution of ${task.id} fails its hidden tests (${reference.error ?? `${reference.failed} failed`}):\n${reference.output}`);
      assert.ok(reference.passed >= 2, `${task.id}: at least two hidden tests (${reference.passed})`);
    });
  }
});
