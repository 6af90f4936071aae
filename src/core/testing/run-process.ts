import { spawn } from 'node:child_process';
import { confineCommand, type Confinement } from '../confinement';
import { canReadProcesses, listProcesses, treeOf } from './process-tree';

/**
 * Runs one command for the test runner: in its own process group, with a time limit and an
 * optional memory limit that kill the whole process tree, cancellation through an AbortSignal,
 * and the combined output kept to its head and tail. Whatever the command left running when it
 * exited (a server a test forgot to stop) is killed too, so a sandbox leaves no process behind.
 */
export interface ProcessRequest {
  command: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  timeLimitMs: number;
  memoryLimitMb?: number;
  signal?: AbortSignal;
  /** Bytes of output kept (head + tail); default 64 KiB. */
  outputCap?: number;
  /** Also keep the whole stdout (up to 256 MB), for a parser reading a machine-readable stream. */
  keepStdout?: boolean;
  /** Runs the command confined (src/core/confinement): model-written code always is. */
  confinement?: Confinement;
  /** Told when the command's process group starts and ends (the pipeline records it: see ProcessWatch). */
  watch?: ProcessWatch;
  /** What the command is, for that record (`tests`, `install`, `lint` …); default: the command's name. */
  what?: string;
}

/**
 * A process group that started or ended. The pipeline records the running ones with the
 * deployment, so that when Deploy Agent itself is killed, `resume` and `clean` can stop what it
 * left running in the sandbox before they touch the sandbox.
 */
export type ProcessWatch = (event: { type: 'started' | 'ended'; pid: number; what: string }) => void;

export interface ProcessResult {
  code: number | null;
  /** The signal that ended the command, when one did. */
  signal: NodeJS.Signals | null;
  output: string;
  /** Capped stderr alone. */
  stderr: string;
  /** The whole stdout, when asked for. */
  stdout?: string;
  timedOut: boolean;
  /** Peak resident memory of the tree in MB, sampled once a second (Linux). */
  peakMemoryMb?: number;
  memoryExceeded: boolean;
  cancelled: boolean;
  durationMs: number;
}

export const DEFAULT_OUTPUT_CAP = 64 * 1024;
const SAMPLE_MS = 500;
const WHOLE_STDOUT_CAP = 256 * 1024 * 1024;

export function runProcess(request: ProcessRequest): Promise<ProcessResult> {
  const cap = request.outputCap ?? DEFAULT_OUTPUT_CAP;
  const output = new CappedOutput(cap);
  const stderr = new CappedOutput(cap);
  const stdout: string[] = [];
  let stdoutLength = 0;
  const started = performance.now();
  return new Promise((resolve, reject) => {
    if (request.signal?.aborted) return reject(abortError());
    const line = { command: request.command, args: request.args, cwd: request.cwd, env: request.env };
    const wrapped = request.confinement ? confineCommand(request.confinement, line) : { ...line, cleanup: () => undefined };
    // detached: its own process group (the confinement keeps it), so a limit kills all of it.
    const child = spawn(wrapped.command, wrapped.args, { cwd: request.cwd, env: wrapped.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const what = request.what ?? request.command.split(/[\\/]/).pop()!;
    if (child.pid) request.watch?.({ type: 'started', pid: child.pid, what });
    const ended = () => {
      if (child.pid) request.watch?.({ type: 'ended', pid: child.pid, what });
    };
    // pid -> start time of every process seen in the tree (a setsid'd grandchild leaves the group).
    const seen = new Map<number, number>();
    let timedOut = false;
    let memoryExceeded = false;
    let cancelled = false;
    let peakBytes = 0;
    let exited = false;

    const killTree = () => {
      if (!child.pid) return;
      const pids = new Set<number>();
      if (canReadProcesses) {
        const now = listProcesses();
        for (const p of treeOf(child.pid, now)) pids.add(p.pid);
        // Only a pid that still names the same process: pids are reused.
        for (const p of now) if (seen.get(p.pid) === p.startTime) pids.add(p.pid);
      }
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // the group is already gone
      }
      for (const pid of pids) {
        if (pid === process.pid) continue;
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    };
    const sample = () => {
      if (!child.pid || !canReadProcesses) return;
      const tree = treeOf(child.pid, listProcesses());
      let bytes = 0;
      for (const p of tree) {
        seen.set(p.pid, p.startTime);
        bytes += p.rssBytes;
      }
      peakBytes = Math.max(peakBytes, bytes);
      if (request.memoryLimitMb && bytes > request.memoryLimitMb * 1024 * 1024 && !memoryExceeded) {
        memoryExceeded = true;
        killTree();
      }
    };
    const sampler = canReadProcesses ? setInterval(sample, SAMPLE_MS) : undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      killTree();
    }, request.timeLimitMs);
    const onAbort = () => {
      cancelled = true;
      killTree();
    };
    request.signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      output.append(d);
      if (request.keepStdout && stdoutLength < WHOLE_STDOUT_CAP) {
        stdout.push(d);
        stdoutLength += d.length;
      }
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      output.append(d);
      stderr.append(d);
    });

    let settled = false;
    const finish = (code: number | null, signal: NodeJS.Signals | null) => {
      if (settled) return;
      settled = true;
      ended();
      wrapped.cleanup();
      clearTimeout(timer);
      if (sampler) clearInterval(sampler);
      request.signal?.removeEventListener('abort', onAbort);
      if (cancelled) return reject(abortError());
      resolve({
        code,
        signal,
        output: output.text(),
        stderr: stderr.text(),
        ...(request.keepStdout ? { stdout: stdout.join('') } : {}),
        timedOut,
        memoryExceeded,
        cancelled,
        durationMs: Math.round(performance.now() - started),
        ...(canReadProcesses ? { peakMemoryMb: Math.round(peakBytes / (1024 * 1024)) } : {}),
      });
    };
    child.on('error', (error) => {
      if (settled) return;
      settled = true;
      ended();
      wrapped.cleanup();
      clearTimeout(timer);
      if (sampler) clearInterval(sampler);
      request.signal?.removeEventListener('abort', onAbort);
      reject(error);
    });
    child.on('exit', (code, signal) => {
      exited = true;
      // Leftovers (a background server, a setsid'd grandchild) would keep the pipes open and the
      // sandbox busy: the run is over, so they go too. Then wait briefly for the pipes to drain.
      sample();
      killTree();
      const grace = setTimeout(() => finish(code, signal), 2000);
      child.once('close', () => {
        clearTimeout(grace);
        finish(code, signal);
      });
    });
    child.on('close', (code, signal) => {
      if (!exited) finish(code, signal);
    });
  });
}

function abortError(): Error {
  return Object.assign(new Error('The test run was cancelled.'), { name: 'AbortError' });
}

/** Keeps the first quarter and the last three quarters of the cap; says how much was left out between. */
export class CappedOutput {
  private head = '';
  private tail = '';
  private dropped = 0;
  private readonly headCap: number;
  private readonly tailCap: number;

  constructor(cap: number) {
    this.headCap = Math.floor(cap / 4);
    this.tailCap = cap - this.headCap;
  }

  append(chunk: string): void {
    let text = chunk;
    if (this.head.length < this.headCap) {
      const room = this.headCap - this.head.length;
      this.head += text.slice(0, room);
      text = text.slice(room);
    }
    if (!text) return;
    this.tail += text;
    if (this.tail.length > this.tailCap * 2) this.trim();
  }

  text(): string {
    this.trim();
    return this.dropped ? `${this.head}\n… ${this.dropped} characters of output left out …\n${this.tail}` : this.head + this.tail;
  }

  private trim(): void {
    if (this.tail.length <= this.tailCap) return;
    this.dropped += this.tail.length - this.tailCap;
    this.tail = this.tail.slice(-this.tailCap);
  }
}
