import { DeployAgentError } from '../errors';
import { matchErrorPattern } from '../recovery/error-patterns';
import type { CommandResult } from './hosts/host';
import type { HostPool } from './hosts/pool';
import type { ReleaseRecovery, RunOptions } from './release-state';
import type { SecretMask } from './secret-mask';

/** How many times a command whose connection was lost is run again on a new connection. */
const RECONNECTS = 2;

interface RunDeps {
  pool: HostPool;
  mask: SecretMask;
  signal: AbortSignal;
  step: string;
  now(): number;
  log(level: 'debug' | 'info' | 'warn' | 'error', message: string): void;
  recordRecovery(recovery: ReleaseRecovery): void;
  timeoutMs: number;
}

/**
 * Runs one script on one host for a step: every line of output to the log as it comes (masked,
 * prefixed with the host), a connection that drops mid-command replaced and the command run again
 * (the scripts are idempotent and end a leftover of the lost run first), and a non-zero exit
 * turned into an error that carries the matched error pattern and an excerpt of the output.
 */
export function commandRunner(deps: RunDeps) {
  return async (hostName: string, script: string, options: RunOptions = {}): Promise<CommandResult> => {
    const label = options.label ?? deps.step;
    let lostAt: number | null = null;
    for (let attempt = 0; ; attempt++) {
      try {
        const host = await deps.pool.get(hostName, deps.signal);
        const result = await host.exec(script, {
          signal: deps.signal,
          mask: deps.mask.apply,
          onLine: (line) => deps.log(options.level ?? 'info', `${hostName}│ ${line}`),
          ...(options.stdin ? { stdin: options.stdin() } : {}),
          ...(options.onStdinBytes ? { onStdinBytes: options.onStdinBytes } : {}),
          timeoutMs: options.timeoutMs ?? deps.timeoutMs,
        });
        if (lostAt !== null) deps.recordRecovery({ host: hostName, step: deps.step, patternId: 'release-ssh-connection-lost', action: 'reconnect', worked: true, recoveredMs: deps.now() - lostAt });
        if (result.code !== 0 && !options.allowFailure) throw commandFailed(hostName, options.what ?? label, result);
        return result;
      } catch (error) {
        if (!isConnectionLost(error) || deps.signal.aborted) throw error;
        lostAt ??= deps.now();
        if (attempt >= RECONNECTS) {
          deps.recordRecovery({ host: hostName, step: deps.step, patternId: 'release-ssh-connection-lost', action: 'reconnect', worked: false, recoveredMs: null });
          throw error;
        }
        deps.log('warn', `${(error as Error).message} Connecting again and running ${options.what ?? label} once more.`);
        await deps.pool.drop(hostName);
      }
    }
  };
}

export function isConnectionLost(error: unknown): boolean {
  return error instanceof DeployAgentError && (error.code === 'SSH_CONNECTION_LOST' || (error.code === 'SSH_CONNECT_FAILED' && error.details?.transient === true));
}

/** The error of a command that exited non-zero: what failed where, the output's telling line, and what to do. */
export function commandFailed(host: string, what: string, result: CommandResult): DeployAgentError {
  const pattern = matchErrorPattern(result.output, { scope: 'release' });
  const lastLines = result.output.trimEnd().split('\n').slice(-20).join('\n');
  const excerpt = pattern?.excerpt ?? lastLines.split('\n').filter((l) => l.trim()).at(-1) ?? '';
  const exit = result.code === null ? `signal ${result.signal ?? '?'}` : `exit ${result.code}`;
  return new DeployAgentError(
    'RELEASE_STEP_FAILED',
    `${what} failed on ${host} (${exit})${excerpt ? `: ${excerpt}` : ''}`,
    pattern ? `${pattern.explanation} ${pattern.recovery}` : `Read the output above (the last lines are in the release log), fix the cause and release again.`,
    { details: { host, exitCode: result.code, patternId: pattern?.id ?? null, output: lastLines } },
  );
}

/** The knowledge-base pattern an error of a release matched (its details, or its message). */
export function patternOf(error: unknown): string | null {
  if (error instanceof DeployAgentError && typeof error.details?.patternId === 'string') return error.details.patternId;
  const text = error instanceof Error ? error.message : String(error);
  return matchErrorPattern(text, { scope: 'release' })?.id ?? null;
}
