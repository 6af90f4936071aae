import test from 'node:test';
import assert from 'node:assert/strict';
import { TaskList } from '../src/tasks.ts';

test('a list survives serialize and parse', () => {
  const list = new TaskList();
  list.add('Write', '2025-02-01');
  list.add('Read');
  list.complete(1);
  const text = list.serialize();
  assert.deepEqual(JSON.parse(text), [
    { id: 1, title: 'Write', done: true, due: '2025-02-01' },
    { id: 2, title: 'Read', done: false },
  ]);
  const copy = TaskList.parse(text);
  assert.deepEqual(copy.all(), list.all());
});

test('tasks added after parse continue after the largest id', () => {
  const copy = TaskList.parse(JSON.stringify([{ id: 7, title: 'Old', done: false }]));
  assert.equal(copy.add('New').id, 8);
});

test('invalid input is refused', () => {
  for (const bad of ['nope', '{}', '[{"id":"1","title":"x","done":false}]', '[{"id":1,"title":"x"}]']) {
    assert.throws(() => TaskList.parse(bad), (e: unknown) => e instanceof Error && e.message.startsWith('invalid task list'), bad);
  }
});
