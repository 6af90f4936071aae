import test from 'node:test';
import assert from 'node:assert/strict';
import { TaskList } from '../src/tasks.ts';

test('completed tasks are never overdue', () => {
  const list = new TaskList();
  list.add('done already', '2025-01-01');
  list.add('still open', '2025-01-02');
  list.complete(1);
  assert.deepEqual(list.overdue('2025-03-01').map((t) => t.title), ['still open']);
});

test('a task due today is not overdue, one due yesterday is', () => {
  const list = new TaskList();
  list.add('today', '2025-03-01');
  list.add('yesterday', '2025-02-28');
  assert.deepEqual(list.overdue('2025-03-01').map((t) => t.title), ['yesterday']);
});

test('earliest due first, then by id', () => {
  const list = new TaskList();
  list.add('b', '2025-01-05');
  list.add('a', '2025-01-03');
  list.add('c', '2025-01-05');
  assert.deepEqual(list.overdue('2025-02-01').map((t) => t.title), ['a', 'b', 'c']);
});
