import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { attachProgress } from '../../../src/cli/progress';
import { PipelineEventBus } from '../../../src/core/pipeline/events';

function fakeStream(tty: { isTTY: boolean; columns?: number }): { stream: NodeJS.WriteStream; text(): string } {
  const pass = new PassThrough();
  let out = '';
  pass.on('data', (d: Buffer) => (out += d.toString()));
  return { stream: Object.assign(pass, tty) as unknown as NodeJS.WriteStream, text: () => out };
}

describe('CLI progress', () => {
  const events = (bus: PipelineEventBus) => {
    const base = { deploymentId: 'abcd1234', ts: 0 };
    bus.emit({ ...base, type: 'step.started', step: 'run-tests' });
    bus.emit({ ...base, type: 'test.result', round: 0, counts: { passed: 2, failed: 1, skipped: 0 }, durationMs: 5, failures: [{ name: 'mul works', message: 'x' }] });
    bus.emit({ ...base, type: 'step.finished', step: 'run-tests', status: 'succeeded', durationMs: 1500, summary: '2 passed, 1 failed' });
    bus.emit({ ...base, type: 'step.started', step: 'review' });
    bus.emit({ ...base, type: 'step.finished', step: 'review', status: 'failed', durationMs: 3, error: { code: 'TESTS_FAILED', message: '1 test still fails', hint: '' } });
    bus.emit({ ...base, type: 'model.output', phase: 'fix', text: 'thinking…' });
  };

  it('prints plain lines when not a terminal, without the model output unless verbose', async () => {
    const bus = new PipelineEventBus();
    const out = fakeStream({ isTTY: false });
    const detach = attachProgress(bus, { stream: out.stream });
    events(bus);
    detach();
    await new Promise((r) => setImmediate(r));
    assert.equal(
      out.text(),
      ['▶ Run the tests', 'tests: 2 passed, 1 failed, 0 skipped — mul works', '✔ Run the tests (1.5 s) — 2 passed, 1 failed', '▶ Review gates', '✖ Review gates (3 ms) — failed (TESTS_FAILED)', ''].join('\n'),
    );
  });

  it('a terminal that reports no width gets plain lines too (a spinner there would spin on clearing)', async () => {
    const bus = new PipelineEventBus();
    const out = fakeStream({ isTTY: true, columns: 0 });
    const detach = attachProgress(bus, { stream: out.stream });
    events(bus);
    detach();
    await new Promise((r) => setImmediate(r));
    assert.match(out.text(), /^▶ Run the tests\n/);
    assert.ok(out.text().length < 400);
  });
});
