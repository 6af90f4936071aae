import { spawn } from 'node:child_process';
import { DeployAgentError } from '../errors';
import type { HookRun, HookStage } from '../deployment/types';

export type { HookRun, HookStage };

export interface RunHooksInput {
  stage: HookStage;
  commands: readonly string[];
  /** The deployment's worktree: hooks run there. */
  cwd: string;
  /** DEPLOY_AGENT_DEPLOYMENT_ID, _BRANCH, _STATUS, _MODE, added to the user's environment. */
  env: Record<string, string>;
  timeoutMs: number;
  outputCapBytes?: number;
  signal?: AbortSignal;
}

/**
 * Runs the configured hook commands of one stage, one after the other, through the shell, in
 * the worktree. A failing `before-deploy` hook throws (the deployment stops before any model
 * call); the other stages return every run and the caller reports the failures.
 */
export async function runHooks(input: RunHooksInput): Promise<HookRun[]> {
  const runs: HookRun[] = [];
  for (const command of input.commands) {
    const run = await runOne(command, input);
    runs.push(run);
    const failed = run.exitCode !== 0;
    if (failed && input.stage === 'before-deploy') {
      throw new DeployAgentError(
        'HOOK_FAILED',
        `The before-deploy hook \`${command}\` ${run.timedOut ? `did not finish within ${input.timeoutMs} ms` : `failed (exit ${run.exitCode ?? run.signal})`}: ${lastLines(run.output)}`,
        'Fix the hook or remove it from hooks.beforeDeploy; nothing was deployed.',
        { details: { runs } },
      );
    }
  }
  return runs;
}

function runOne(command: string, input: RunHooksInput): Promise<HookRun> {
  const cap = input.outputCapBytes ?? 64 * 1024;
  const started = Date.now();
  return new Promise((resolve) => {
    // detached: the hook gets its own process group, so a timeout kills everything it started.
    const child = spawn(command, { cwd: input.cwd, env: { ...process.env, ...input.env }, shell: true, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let timedOut = false;
    const append = (chunk: Buffer) => {
      if (output.length < cap) output += chunk.toString('utf8').slice(0, cap - output.length);
    };
    child.stdout!.on('data', append);
    child.stderr!.on('data', append);
    const kill = () => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, input.timeoutMs);
    input.signal?.addEventListener('abort', kill, { once: true });
    const finish = (exitCode: number | null, signal: string | null) => {
      clearTimeout(timer);
      input.signal?.removeEventListener('abort', kill);
      resolve({ stage: input.stage, command, exitCode: timedOut ? null : exitCode, signal, timedOut, durationMs: Date.now() - started, output });
    };
    child.on('error', (error) => {
      output += `\n${error.message}`;
      finish(127, null);
    });
    child.on('close', (code, signal) => finish(code, signal));
  });
}

function lastLines(output: string): string {
  const lines = output.trim().split('\n').slice(-3).join(' | ');
  return lines ? lines.slice(0, 300) : '(no output)';
}
