import { spawn } from 'node:child_process';
import http from 'node:http';
import https from 'node:https';
import { DeployAgentError } from '../../errors';
import { abortError } from '../../recovery/retry';
import { OutputCollector, type CommandResult, type ExecOptions, type HttpAnswer, type TargetHost } from './host';

/** The `local` target: this machine, commands run by `/bin/sh`, HTTP asked directly. */
export class LocalHost implements TargetHost {
  readonly kind = 'local' as const;
  readonly name = 'local';

  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}

  exec(command: string, options: ExecOptions = {}): Promise<CommandResult> {
    return new Promise((resolve, reject) => {
      if (options.signal?.aborted) return reject(abortError(options.signal));
      const child = spawn('/bin/sh', ['-c', command], { env: this.env, stdio: ['pipe', 'pipe', 'pipe'] });
      const collector = new OutputCollector(options);
      let timer: NodeJS.Timeout | undefined;
      let failure: Error | undefined;
      const onAbort = () => {
        failure = abortError(options.signal!);
        child.kill('SIGTERM');
      };
      options.signal?.addEventListener('abort', onAbort, { once: true });
      if (options.timeoutMs) {
        timer = setTimeout(() => {
          failure = new DeployAgentError('COMMAND_TIMEOUT', `A command ran longer than ${Math.round(options.timeoutMs! / 1000)} s and was stopped.`, 'Raise `commandTimeoutMs` for the target, or make the command faster.');
          child.kill('SIGTERM');
        }, options.timeoutMs);
      }
      child.stdout.on('data', (d: Buffer) => collector.push(d));
      child.stderr.on('data', (d: Buffer) => collector.push(d));
      child.on('error', (error) => (failure ??= error));
      child.on('close', (code, signal) => {
        options.signal?.removeEventListener('abort', onAbort);
        if (timer) clearTimeout(timer);
        const output = collector.finish();
        if (failure) return reject(failure);
        resolve({ code, signal, output });
      });
      child.stdin.on('error', () => undefined); // a command that does not read its input
      if (options.stdin) {
        options.stdin.on('data', (d: Buffer) => options.onStdinBytes?.(d.length));
        options.stdin.pipe(child.stdin);
      } else {
        child.stdin.end();
      }
    });
  }

  httpGet(url: string, options: { timeoutMs: number; signal?: AbortSignal }): Promise<HttpAnswer> {
    const started = performance.now();
    const client = url.startsWith('https:') ? https : http;
    return new Promise((resolve, reject) => {
      const request = client.get(url, { timeout: options.timeoutMs, signal: options.signal, headers: { connection: 'close' } }, (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (d: string) => (body = (body + d).slice(0, 64 * 1024)));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body, ms: Math.round(performance.now() - started) }));
        response.on('error', reject);
      });
      request.on('timeout', () => request.destroy(Object.assign(new Error(`no answer from ${url} within ${options.timeoutMs} ms`), { code: 'ETIMEDOUT' })));
      request.on('error', reject);
    });
  }

  async close(): Promise<void> {}
}
