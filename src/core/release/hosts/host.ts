import type { Readable } from 'node:stream';

/** The end of one command on a target. */
export interface CommandResult {
  /** null when the command was ended by a signal or the connection went away. */
  code: number | null;
  signal: string | null;
  /** stdout and stderr interleaved, the last 64 KiB (masked: see `onLine`). */
  output: string;
}

export interface ExecOptions {
  signal?: AbortSignal;
  /** Each line of output as it arrives (already masked by the caller's mask). */
  onLine?(line: string): void;
  /** Piped to the command's stdin (the release archive). */
  stdin?: Readable;
  /** Counts the bytes sent through stdin (upload progress). */
  onStdinBytes?(bytes: number): void;
  timeoutMs?: number;
  /** Applied to every line before it is kept or shown. */
  mask?(text: string): string;
}

export interface HttpAnswer {
  status: number;
  body: string;
  ms: number;
}

/**
 * One machine of a release target: an SSH server (ssh-host.ts) or this machine (local-host.ts).
 * A release talks to it only through shell commands (POSIX sh) and HTTP requests made on it, so
 * every step is the same for both kinds of target.
 */
export interface TargetHost {
  /** The host as configured (`10.0.0.5`, `web-2:2222`, `local`). */
  readonly name: string;
  readonly kind: 'ssh' | 'local';
  exec(command: string, options?: ExecOptions): Promise<CommandResult>;
  /** An HTTP GET made on the host (an SSH target's `127.0.0.1` is the server's own loopback). */
  httpGet(url: string, options: { timeoutMs: number; signal?: AbortSignal }): Promise<HttpAnswer>;
  close(): Promise<void>;
}

const TAIL_BYTES = 64 * 1024;

/** Splits streamed output into lines, hands each to `onLine`, keeps the tail (shared by both host kinds). */
export class OutputCollector {
  private tail = '';
  private partial = '';

  constructor(private readonly options: Pick<ExecOptions, 'onLine' | 'mask'>) {}

  push(chunk: Buffer | string): void {
    const text = this.partial + chunk.toString();
    const lines = text.split('\n');
    this.partial = lines.pop() ?? '';
    // A line longer than the tail (a progress bar without newlines) is cut, not kept whole.
    if (this.partial.length > TAIL_BYTES) {
      lines.push(this.partial.slice(0, TAIL_BYTES));
      this.partial = '';
    }
    for (const line of lines) this.line(line);
  }

  finish(): string {
    if (this.partial) this.line(this.partial);
    this.partial = '';
    return this.tail;
  }

  private line(raw: string): void {
    const line = this.options.mask ? this.options.mask(raw.replace(/\r$/, '')) : raw.replace(/\r$/, '');
    this.options.onLine?.(line);
    this.tail += `${line}\n`;
    if (this.tail.length > TAIL_BYTES * 2) this.tail = this.tail.slice(-TAIL_BYTES);
  }
}

/** `'text'` for a POSIX shell: everything literal, a `'` closed, escaped and reopened. */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}
