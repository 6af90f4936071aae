import test from 'node:test';
import assert from 'node:assert/strict';
import { TaskList } from '../src/tasks.ts';
import { formatTask } from '../src/format.ts';

test('tasks are normal priority unless given one', () => {
  const list = new TaskList();
  assert.equal(list.add('plain').priority, 'normal');
  assert.equal(list.add('urgent', undefined, 'high').priority, 'high');
  assert.throws(() => list.add('odd', undefined, 'urgent' as never));
});

test('byPriority lists pending tasks high, normal, low; ties in the order added', () => {
  const list = new TaskList();
  list.add('a', undefined, 'low');
  list.add('b');
  list.add('c', undefined, 'high');
  list.add('d', undefined, 'high');
  list.add('e', undefined, 'low');
  list.complete(4);
  assert.deepEqual(list.byPriority().map((t) => t.title), ['c', 'b', 'a', 'e']);
});

test('a high-priority task is marked when formatted', () => {
  const list = new TaskList();
  assert.equal(formatTask(list.add('Ship it', '2025-06-01', 'high')), '[ ] 1 Ship it (due 2025-06-01) !');
  assert.equal(formatTask(list.add('Later', undefined, 'low')), '[ ] 2 Later');
});
