import test from 'node:test';
import assert from 'node:assert/strict';
import { TaskList } from '../src/tasks.ts';

function list(): TaskList {
  const l = new TaskList();
  l.add('Buy milk');
  l.add('MILK the cow');
  l.add('Buy bread');
  l.add('Buy oat milk');
  l.complete(2);
  return l;
}

test('finds titles containing the word, case-insensitively, done ones too, in the order added', () => {
  assert.deepEqual(list().search('milk').map((t) => t.id), [1, 2, 4]);
});

test('every word of the query must appear, in any order', () => {
  assert.deepEqual(list().search('milk buy').map((t) => t.title), ['Buy milk', 'Buy oat milk']);
});

test('a blank query finds nothing', () => {
  assert.deepEqual(list().search('   '), []);
  assert.deepEqual(list().search(''), []);
});
