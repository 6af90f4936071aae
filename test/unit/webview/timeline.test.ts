import assert from 'node:assert/strict';
import type { LiveEvent } from '../../../src/protocol/panel';
import { OUTPUT_CAP, reduceAll, totals } from '../../../webview-ui/panel/timeline';

// The panel's timeline is a pure reduction of the deployment's events: the same events (live, or
// read back from the history after a reload) give the same picture.
describe('the panel’s deployment timeline', () => {
  const plan = [
    { name: 'validate', title: 'Validate the recommendation' },
    { name: 'implement', title: 'Implement the change' },
    { name: 'run-tests', title: 'Run the tests' },
    { name: 'repair', title: 'Repair failing tests' },
  ];
  const base = { deploymentId: 'd1' };
  let ts = 0;
  const at = <T extends object>(e: T) => ({ ...base, ts: ++ts, ...e }) as unknown as LiveEvent;

  it('follows each step’s state and duration, the tool calls, the usage per phase, the repair rounds and their result', () => {
    const events: LiveEvent[] = [
      at({ type: 'deployment.started', mode: 'review', resumed: false, fromStep: 'validate' }),
      at({ type: 'step.started', step: 'validate' }),
      at({ type: 'step.finished', step: 'validate', status: 'succeeded', durationMs: 12, summary: 'Add x' }),
      at({ type: 'step.started', step: 'implement' }),
      at({ type: 'step.progress', step: 'implement', message: 'wrote src/x.js' }),
      at({ type: 'agent.tool', phase: 'implement', name: 'read_file', path: 'src/x.js', ok: true }),
      at({ type: 'agent.call', phase: 'implement', provider: 'ollama', model: 'qwen', inputTokens: 100, outputTokens: 10, costUsd: 0, cached: false, durationMs: 5 }),
      at({ type: 'agent.call', phase: 'implement', provider: 'ollama', model: 'qwen', inputTokens: 200, outputTokens: 20, costUsd: 0, cached: true, durationMs: 5 }),
      at({ type: 'model.output', phase: 'implement', text: 'Hello ' }),
      at({ type: 'model.output', phase: 'implement', text: 'world' }),
      at({ type: 'step.finished', step: 'implement', status: 'succeeded', durationMs: 900 }),
      at({ type: 'test.result', round: 0, counts: { passed: 1, failed: 1, skipped: 0 }, durationMs: 30, failures: [{ name: 't', message: 'boom' }] }),
      at({ type: 'step.started', step: 'repair' }),
      at({ type: 'repair.round', round: 1, limit: 2, escalation: false, failingOutput: 'boom', pattern: { id: 'test-assertion', explanation: 'An assertion failed.' } }),
      at({ type: 'agent.call', phase: 'fix', provider: 'anthropic', model: 'claude', inputTokens: 50, outputTokens: 5, costUsd: 0.01, cached: false, durationMs: 5 }),
      at({ type: 'test.result', round: 1, counts: { passed: 2, failed: 0, skipped: 0 }, durationMs: 30, failures: [] }),
      at({ type: 'step.finished', step: 'repair', status: 'succeeded', durationMs: 400 }),
      at({ type: 'step.started', step: 'retest' }),
    ];
    const t = reduceAll({ plan }, events);
    assert.deepEqual(
      t.steps.map((s) => [s.name, s.state, s.durationMs ?? null]),
      [
        ['validate', 'succeeded', 12],
        ['implement', 'succeeded', 900],
        ['run-tests', 'pending', null],
        ['repair', 'succeeded', 400],
        // A step the panel's plan did not name (a newer core) still shows.
        ['retest', 'running', null],
      ],
    );
    assert.equal(t.steps[1]!.progress, undefined, 'a finished step shows its summary, not its last progress');
    assert.deepEqual(t.tools.map((x) => `${x.phase}:${x.name}:${x.path}`), ['implement:read_file:src/x.js']);
    assert.deepEqual(t.usage.map((u) => [u.phase, u.provider, u.calls, u.inputTokens, u.cached]), [
      ['implement', 'ollama', 2, 300, 1],
      ['fix', 'anthropic', 1, 50, 0],
    ]);
    assert.deepEqual(totals(t), { inputTokens: 350, outputTokens: 35, costUsd: 0.01 });
    assert.equal(t.repairs.length, 1);
    assert.equal(t.repairs[0]!.pattern?.id, 'test-assertion');
    assert.deepEqual(t.repairs[0]!.after, { passed: 2, failed: 0, skipped: 0 });
    assert.deepEqual(t.output, [{ phase: 'implement', text: 'Hello world' }]);
  });

  it('marks the running step failed or cancelled when the deployment ends, and keeps the error', () => {
    const error = { code: 'CANCELLED', message: 'Cancelled.', hint: 'Run it again.' };
    const t = reduceAll({ plan }, [
      at({ type: 'step.started', step: 'implement' }),
      at({ type: 'deployment.finished', status: 'cancelled', goalReached: false, durationMs: 50, error }),
    ]);
    assert.equal(t.steps[1]!.state, 'cancelled');
    assert.deepEqual(t.finished, { status: 'cancelled', goalReached: false, durationMs: 50, error });
    // What it did not get to is not waiting: it was not reached.
    assert.deepEqual(t.steps.slice(2).map((s) => s.state), ['unreached', 'unreached']);
  });

  it('leaves the later steps of a review pause pending (shipping takes them up), and a continued run takes up unreached ones', () => {
    const paused = reduceAll({ plan }, [at({ type: 'deployment.finished', status: 'awaiting-review', goalReached: true, durationMs: 5 })]);
    assert.ok(paused.steps.every((s) => s.state === 'pending'));
    const resumed = reduceAll({ plan }, [at({ type: 'deployment.finished', status: 'failed', goalReached: false, durationMs: 5 }), at({ type: 'step.started', step: 'run-tests' })]);
    assert.deepEqual(resumed.steps.map((s) => s.state), ['pending', 'pending', 'running', 'pending']);
  });

  it('shows a resumed deployment’s interrupted step as interrupted, then running again', () => {
    const t = reduceAll({ plan }, [
      at({ type: 'step.started', step: 'implement' }),
      at({ type: 'deployment.started', mode: 'review', resumed: true, fromStep: 'implement' }),
    ]);
    assert.equal(t.steps[1]!.state, 'interrupted');
  });

  it('caps the streamed output it keeps per phase', () => {
    const chunk = 'x'.repeat(OUTPUT_CAP / 2 + 1);
    const t = reduceAll({ plan }, [at({ type: 'model.output', phase: 'tests', text: chunk }), at({ type: 'model.output', phase: 'tests', text: chunk }), at({ type: 'model.output', phase: 'tests', text: chunk })]);
    assert.equal(t.output[0]!.text.length, OUTPUT_CAP);
  });
});
