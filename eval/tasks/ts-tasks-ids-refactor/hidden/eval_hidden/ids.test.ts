import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { nextId } from '../src/ids.ts';
import { TaskList } from '../src/tasks.ts';

test('nextId is one more than the largest id, 1 for none', () => {
  assert.equal(nextId([]), 1);
  assert.equal(nextId([3, 1, 2]), 4);
  assert.equal(nextId([7]), 8);
});

test('TaskList numbers its tasks as before', () => {
  const list = new TaskList();
  assert.deepEqual(['a', 'b', 'c'].map((t) => list.add(t).id), [1, 2, 3]);
});

test('tasks.ts uses nextId instead of its own rule', () => {
  const source = readFileSync(new URL('../src/tasks.ts', import.meta.url), 'utf8');
  assert.match(source, /from '\.\/ids(\.ts)?'/);
  assert.doesNotMatch(source, /reduce\(/);
});
