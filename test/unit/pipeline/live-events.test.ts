import assert from 'node:assert/strict';
import path from 'node:path';
import type { PipelineEvent } from '../../../src/core/pipeline/events';
import { Orchestrator } from '../../../src/core/pipeline/orchestrator';
import { EventsRepository } from '../../../src/core/store/steps';
import { useTempStore } from '../../support/temp-store';
import { failing, passing, scriptedPorts } from './scripted-ports';

// What the panel's live view is made of: each tool call and model call of an agent phase, and
// each repair round with the failing output it answers and the error pattern that matched.
describe('pipeline: the live events of a deployment', () => {
  const temp = useTempStore();

  it('publishes every tool call and model call of a phase, and each repair round with its failing output and pattern; all are kept in the events table', async () => {
    const ports = scriptedPorts({ testRuns: [failing(), passing()] });
    ports.runPhase = async (input) => {
      input.onToolCall?.({ name: 'read_file', path: 'src/x.js', ok: true });
      input.onToolCall?.({ name: 'edit_file', path: 'src/x.js', ok: false, error: 'search text not found' });
      input.onModelCall?.({ provider: 'ollama', model: 'qwen2.5-coder:7b', inputTokens: 1200, outputTokens: 80, costUsd: 0, cached: false, durationMs: 900 });
      return { ok: true, summary: `${input.phase} done`, filesWritten: ['src/x.js'], inputTokens: 1200, outputTokens: 80, costUsd: 0, provider: 'ollama', model: 'qwen2.5-coder:7b' };
    };
    const orchestrator = new Orchestrator({ db: temp.store.db, ports });
    const seen: PipelineEvent[] = [];
    orchestrator.events.on((e) => seen.push(e));
    const outcome = await orchestrator.deploy(
      { recommendationFile: path.join(temp.dir, 'rec.json'), workspaceDir: temp.dir, mode: 'dry-run', strategy: 'auto', keepWorktree: false, wait: false },
      new AbortController().signal,
    );
    assert.equal(outcome.status, 'succeeded', JSON.stringify(outcome.error));

    const tools = seen.filter((e) => e.type === 'agent.tool');
    // implement, tests and one fix phase: two tool calls each.
    assert.deepEqual(
      tools.map((e) => `${e.phase}:${e.name}:${e.ok}`),
      ['implement:read_file:true', 'implement:edit_file:false', 'tests:read_file:true', 'tests:edit_file:false', 'fix:read_file:true', 'fix:edit_file:false'],
    );
    assert.equal(tools.find((e) => !e.ok)?.error, 'search text not found');
    const calls = seen.filter((e) => e.type === 'agent.call');
    assert.deepEqual(calls.map((e) => [e.phase, e.provider, e.model, e.inputTokens]), [
      ['implement', 'ollama', 'qwen2.5-coder:7b', 1200],
      ['tests', 'ollama', 'qwen2.5-coder:7b', 1200],
      ['fix', 'ollama', 'qwen2.5-coder:7b', 1200],
    ]);
    const rounds = seen.filter((e) => e.type === 'repair.round');
    assert.equal(rounds.length, 1);
    assert.equal(rounds[0]!.round, 1);
    assert.equal(rounds[0]!.escalation, false);
    assert.match(rounds[0]!.failingOutput, /expected 3 to equal 4/);
    assert.equal(rounds[0]!.pattern?.id, 'test-assertion');

    // Reopening a deployment later (the panel after a reload) reads them back from the history.
    const stored = new EventsRepository(temp.store.db).list(outcome.id).map((row) => row.type);
    assert.equal(stored.filter((t) => t === 'agent.tool').length, 6);
    assert.equal(stored.filter((t) => t === 'agent.call').length, 3);
    assert.equal(stored.filter((t) => t === 'repair.round').length, 1);
  });

  it('keeps the end of a long failing output, where the failures are', async () => {
    const long = { ...failing(), output: `${'x'.repeat(10000)}\nAssertionError: the last line` };
    const ports = scriptedPorts({ testRuns: [long, passing()] });
    const orchestrator = new Orchestrator({ db: temp.store.db, ports });
    const seen: PipelineEvent[] = [];
    orchestrator.events.on((e) => seen.push(e));
    await orchestrator.deploy({ recommendationFile: path.join(temp.dir, 'rec.json'), workspaceDir: temp.dir, mode: 'dry-run', strategy: 'auto', keepWorktree: false, wait: false }, new AbortController().signal);
    const round = seen.find((e) => e.type === 'repair.round');
    assert.ok(round && round.type === 'repair.round');
    assert.ok(round.failingOutput.length <= 4001, `${round.failingOutput.length} characters`);
    assert.match(round.failingOutput, /^….*AssertionError: the last line$/s);
  });
});
