import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { learningProgress, SHOW_PROGRESS_FROM } from '../../../src/cli/learning-progress';
import type { LearningProgress } from '../../../src/core/learning';

/** A stderr stand-in that keeps what was written. */
function stream(tty: boolean): NodeJS.WriteStream & { text(): string } {
  let written = '';
  const s = new Writable({
    write(chunk, _encoding, done) {
      written += String(chunk);
      done();
    },
  }) as unknown as NodeJS.WriteStream & { text(): string };
  // What ora calls on a terminal to redraw its line.
  const cursor = () => true;
  Object.assign(s, { isTTY: tty, columns: tty ? 100 : undefined, text: () => written, cursorTo: cursor, clearLine: cursor, moveCursor: cursor });
  return s;
}

/** The events of a catch-up of `total` deployments, every 1%, as record.ts sends them. */
function events(total: number): LearningProgress[] {
  const step = Math.ceil(total / 100);
  const out: LearningProgress[] = [];
  for (let done = 0; done < total; done += step) out.push({ stage: 'deployments', done, total });
  out.push({ stage: 'deployments', done: total, total }, { stage: 'summaries', done: total, total });
  return out;
}

describe('learning commands: progress of the first catch-up on stderr', () => {
  let clock = 0;
  const now = () => (clock += 40);

  it('shows nothing for a short catch-up', () => {
    const err = stream(false);
    const progress = learningProgress({ stream: err, interactive: false, now });
    for (const e of events(SHOW_PROGRESS_FROM - 1)) progress.onProgress(e);
    progress.stop();
    assert.equal(err.text(), '');
  });

  it('plain lines (not a terminal): one every 10%, the summaries, and what was learnt', () => {
    const err = stream(false);
    const progress = learningProgress({ stream: err, interactive: false, now });
    for (const e of events(100_000)) progress.onProgress(e);
    progress.stop();
    const lines = err.text().trimEnd().split('\n');
    assert.equal(lines.length, 11 + 1 + 1, lines.join('\n'));
    assert.equal(lines[0], 'Learning the deployment history: 0 of 100,000 deployments (0%)');
    assert.equal(lines[5], 'Learning the deployment history: 50,000 of 100,000 deployments (50%)');
    assert.equal(lines[10], 'Learning the deployment history: 100,000 of 100,000 deployments (100%)');
    assert.match(lines[11]!, /summarising patterns and failure episodes/);
    assert.match(lines[12]!, /^Learnt the deployment history \(100,000 deployments read\) in \d+\.\d s/);
  });

  it('a failed command ends the display without claiming it learnt anything', () => {
    const err = stream(false);
    const progress = learningProgress({ stream: err, interactive: false, now });
    for (const e of events(20_000).slice(0, 30)) progress.onProgress(e);
    progress.stop(false);
    assert.doesNotMatch(err.text(), /Learnt/);
    assert.match(err.text(), /20,000 deployments/);
  });

  it('a terminal gets a spinner whose count is redrawn as the catch-up goes, then the result', () => {
    const err = stream(true);
    const progress = learningProgress({ stream: err, interactive: true, now });
    for (const e of events(100_000)) progress.onProgress(e);
    progress.stop();
    const text = err.text();
    // Redrawn at most every 100 ms: with this clock (40 ms an event) about a third of the 102 events.
    const redraws = text.match(/\d+ of 100,000 deployments \(\d+%\)/g) ?? [];
    assert.ok(redraws.length > 20 && redraws.length < 50, `${redraws.length} redraws`);
    assert.match(text, /100,000 of 100,000 deployments \(100%\)/);
    assert.match(text, /summarising/);
    assert.match(text, /Learnt the deployment history \(100,000 deployments read\)/);
  });
});
