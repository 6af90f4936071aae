import ora, { type Ora } from 'ora';
import type { EventBus, FlowEvent } from '../core/deployment/events';
import { STEP_TITLES } from '../core/pipeline/events';

/** The events of any flow (a code deployment's, a release's): the view only needs the step's title. */
type PipelineEvent = FlowEvent<string>;

export interface ProgressOptions {
  /** Where progress goes: always stderr, so that stdout stays clean for `--json`. */
  stream?: NodeJS.WriteStream;
  /** Spinners when the stream is a terminal, plain lines otherwise. */
  interactive?: boolean;
  /** Show streamed model output (off by default: it is long). */
  verbose?: boolean;
  /** A step's title (default: a code deployment's step titles). */
  titleOf?(step: string): string;
}

/**
 * Live step progress in the terminal: an ora spinner per step in a TTY, plain lines when
 * piped or in CI. Returns a function that detaches it (and stops a running spinner).
 */
export function attachProgress<Step extends string>(bus: EventBus<FlowEvent<Step>>, options: ProgressOptions = {}): () => void {
  const stream = options.stream ?? process.stderr;
  // A terminal that reports no width (a pty without a size, TERM=dumb) gets plain lines: ora cannot
  // compute how many lines to clear there and would spin on clearing.
  const interactive = options.interactive ?? (Boolean(stream.isTTY) && (stream.columns ?? 0) > 0 && process.env.TERM !== 'dumb');
  const titleOf = options.titleOf ?? ((step: string) => STEP_TITLES[step as keyof typeof STEP_TITLES] ?? step);
  const view = interactive ? new SpinnerView(stream, titleOf) : new LineView(stream, titleOf);
  const off = bus.on((event) => {
    if (event.type === 'model.output' && !options.verbose) return;
    view.render(event);
  });
  return () => {
    off();
    view.stop();
  };
}

interface View {
  render(event: PipelineEvent): void;
  stop(): void;
}

function seconds(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

function finishedLine(event: Extract<PipelineEvent, { type: 'step.finished' }>, titleOf: (step: string) => string): string {
  const title = titleOf(event.step);
  // A failure's message is printed once, with what to do, when the deployment ends: here only where it happened.
  const detail =
    event.status === 'cancelled'
      ? ' — cancelled'
      : event.error
        ? ` — failed (${event.error.code})`
        : [event.summary, event.attention].filter(Boolean).map((part) => ` — ${part}`).join('');
  return `${title} (${seconds(event.durationMs)})${detail}`;
}

function otherLine(event: PipelineEvent): string | undefined {
  switch (event.type) {
    case 'deployment.started':
      return `deployment ${event.deploymentId} (${event.mode})${event.resumed ? `, resumed at ${event.fromStep}` : ''}`;
    case 'test.result':
      return `tests${event.round ? ` (round ${event.round + 1})` : ''}: ${event.counts.passed} passed, ${event.counts.failed} failed, ${event.counts.skipped} skipped${
        event.failures.length ? ` — ${event.failures.map((f) => f.name).slice(0, 3).join(', ')}` : ''
      }`;
    case 'log':
      return event.level === 'debug' ? undefined : `${event.level}: ${event.message}`;
    case 'model.output':
      return event.text;
    case 'deployment.finished':
      return `deployment ${event.deploymentId} ${event.status} in ${seconds(event.durationMs)}`;
    default:
      return undefined;
  }
}

class LineView implements View {
  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly titleOf: (step: string) => string,
  ) {}

  render(event: PipelineEvent): void {
    let line: string | undefined;
    switch (event.type) {
      case 'step.started':
        line = `▶ ${this.titleOf(event.step)}`;
        break;
      case 'step.progress':
        line = `  ${event.message}`;
        break;
      case 'step.finished': {
        const mark = event.status === 'succeeded' ? (event.attention ? '⚠' : '✔') : event.status === 'skipped' ? '–' : event.status === 'cancelled' ? '■' : '✖';
        line = `${mark} ${finishedLine(event, this.titleOf)}`;
        break;
      }
      default:
        line = otherLine(event);
    }
    if (line !== undefined) this.stream.write(`${line}\n`);
  }

  stop(): void {}
}

class SpinnerView implements View {
  private spinner: Ora | undefined;
  private title = '';

  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly titleOf: (step: string) => string,
  ) {}

  render(event: PipelineEvent): void {
    switch (event.type) {
      case 'step.started':
        this.title = this.titleOf(event.step);
        this.spinner = ora({ text: this.title, stream: this.stream, discardStdin: false }).start();
        return;
      case 'step.progress':
        if (this.spinner) this.spinner.text = `${this.title} — ${event.message}`;
        return;
      case 'step.finished': {
        const spinner = this.spinner ?? ora({ stream: this.stream, discardStdin: false });
        const text = finishedLine(event, this.titleOf);
        if (event.status === 'succeeded' && event.attention) spinner.warn(text);
        else if (event.status === 'succeeded') spinner.succeed(text);
        else if (event.status === 'skipped') spinner.info(text);
        else if (event.status === 'cancelled') spinner.warn(text);
        else spinner.fail(text);
        this.spinner = undefined;
        return;
      }
      default: {
        const line = otherLine(event);
        if (line === undefined) return;
        if (this.spinner?.isSpinning) {
          this.spinner.clear();
          this.stream.write(`${line}\n`);
          this.spinner.render();
        } else {
          this.stream.write(`${line}\n`);
        }
      }
    }
  }

  stop(): void {
    this.spinner?.stop();
    this.spinner = undefined;
  }
}
