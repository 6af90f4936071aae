import ora, { type Ora } from 'ora';
import type { LearningProgress } from '../core/learning';

/**
 * From this many deployments to learn, the learning commands show how far their catch-up is: the
 * first learning of a long history reads every deployment (~1 s per 10,000 on a small machine).
 * Below it the catch-up takes under a second and shows nothing.
 */
export const SHOW_PROGRESS_FROM = 5_000;

/** Spinner frames are redrawn at most this often (the catch-up is synchronous: every redraw is ours). */
const REDRAW_MS = 100;

export interface LearningProgressOptions {
  /** Always stderr by default, so that stdout stays one JSON object with `--json`. */
  stream?: NodeJS.WriteStream;
  /** A spinner with a live count in a terminal; otherwise a plain line every 10%. */
  interactive?: boolean;
  /** The clock (tests). */
  now?: () => number;
}

export interface LearningProgressReporter {
  onProgress(progress: LearningProgress): void;
  /** Ends the display: with a line saying what was learnt, or (`ok` false: the command failed) without. Nothing when nothing was shown. */
  stop(ok?: boolean): void;
}

const count = (n: number) => n.toLocaleString('en-US');

/**
 * Progress of the catch-up the learning commands run first, on stderr, only when it is long
 * (SHOW_PROGRESS_FROM deployments or more). The catch-up runs synchronously (one SQLite
 * transaction), so the spinner is redrawn from here, not from ora's timer.
 */
export function learningProgress(options: LearningProgressOptions = {}): LearningProgressReporter {
  const stream = options.stream ?? process.stderr;
  // As src/cli/progress.ts: a terminal that reports no width gets plain lines.
  const interactive = options.interactive ?? (Boolean(stream.isTTY) && (stream.columns ?? 0) > 0 && process.env.TERM !== 'dumb');
  const now = options.now ?? (() => performance.now());
  let shown = false;
  let started = 0;
  let total = 0;
  let spinner: Ora | undefined;
  let lastDraw = -Infinity;
  let lastTenth = -1;

  const text = (p: LearningProgress) =>
    p.stage === 'summaries'
      ? `Learning the deployment history: ${count(p.total)} deployments read, summarising patterns and failure episodes`
      : `Learning the deployment history: ${count(p.done)} of ${count(p.total)} deployments (${Math.floor((100 * p.done) / p.total)}%)`;

  return {
    onProgress(p) {
      if (!shown) {
        if (p.total < SHOW_PROGRESS_FROM) return;
        shown = true;
        started = now();
        total = p.total;
        // Interactive is decided above (ora would also turn itself off under CI variables).
        if (interactive) spinner = ora({ text: text(p), stream, discardStdin: false, isEnabled: true }).start();
      }
      if (spinner) {
        const t = now();
        if (p.stage === 'deployments' && p.done !== p.total && t - lastDraw < REDRAW_MS) return;
        lastDraw = t;
        spinner.text = text(p);
        spinner.render();
        return;
      }
      const tenth = p.stage === 'summaries' ? 11 : Math.floor((10 * p.done) / p.total);
      if (tenth === lastTenth) return;
      lastTenth = tenth;
      stream.write(`${text(p)}\n`);
    },
    stop(ok = true) {
      if (!shown) return;
      shown = false;
      const line = `Learnt the deployment history (${count(total)} deployments read) in ${((now() - started) / 1000).toFixed(1)} s; the next commands learn only what is new.`;
      if (spinner && ok) spinner.succeed(line);
      else if (spinner) spinner.stop();
      else if (ok) stream.write(`${line}\n`);
      spinner = undefined;
    },
  };
}
