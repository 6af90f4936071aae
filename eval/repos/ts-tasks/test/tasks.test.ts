import test from 'node:test';
import assert from 'node:assert/strict';
import { TaskList } from '../src/tasks.ts';
import { formatTask } from '../src/format.ts';

test('adds tasks with growing ids and completes them', () => {
  const list = new TaskList();
  list.add('Write report');
  const second = list.add('Call Ada', '2025-01-10');
  list.complete(1);
  assert.equal(second.id, 2);
  assert.deepEqual(list.pending().map((t) => t.title), ['Call Ada']);
});

test('lists overdue pending tasks, earliest first', () => {
  const list = new TaskList();
  list.add('Late', '2025-01-02');
  list.add('Later', '2025-01-01');
  list.add('Future', '2030-01-01');
  assert.deepEqual(list.overdue('2025-06-01').map((t) => t.title), ['Later', 'Late']);
});

test('formats a task for the terminal', () => {
  const list = new TaskList();
  const task = list.add('Buy milk', '2025-06-01');
  assert.equal(formatTask(task), '[ ] 1 Buy milk (due 2025-06-01)');
});
