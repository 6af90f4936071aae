import { spawn } from 'node:child_process';
import { confineCommand, type Confinement } from '../confinement';
import type { ProcessWatch } from '../testing/run-process';
import { DeployAgentError } from '../errors';
import type { HookRun, HookStage } from '../deployment/types';
import { scrubEnv } from '../testing/env';

export type { HookRun, HookStage };

export interface RunHooksInput {
  stage: HookStage;
  commands: readonly string[];
  /** The deployment's worktree: hooks run there. */
  cwd: string;
  /** The whole environment of a hook (see `hookEnvironment`). */
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
  /** How the hook runs (the sandbox holds model-written files; a hook may run them). */
  confinement?: Confinement;
  watch?: ProcessWatch;
  outputCapBytes?: number;
  signal?: AbortSignal;
}

/** The variables a hook is documented to get (README, "Hooks"): which deployment, on which branch, how it stands, in which mode. */
export const HOOK_VARIABLES = ['DEPLOY_AGENT_DEPLOYMENT_ID', 'DEPLOY_AGENT_BRANCH', 'DEPLOY_AGENT_STATUS', 'DEPLOY_AGENT_MODE'] as const;

/**
 * A hook's environment: the user's, scrubbed of credentials as the tests' is (a hook runs in the
 * sandbox, among files the model wrote), without Deploy Agent's own variables (the history's
 * path, test switches), plus the documented DEPLOY_AGENT_* variables of this deployment.
 */
export function hookEnvironment(base: NodeJS.ProcessEnv, deployment: Partial<Record<(typeof HOOK_VARIABLES)[number], string>>): NodeJS.ProcessEnv {
  const env = scrubEnv(base);
  for (const key of Object.keys(env)) if (/^DEPLOY_AGENT_/i.test(key)) delete env[key];
  for (const key of HOOK_VARIABLES) if (deployment[key] !== undefined) env[key] = deployment[key];
  return env;
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
    const line = { command: '/bin/sh', args: ['-c', command], cwd: input.cwd, env: input.env };
    const wrapped = input.confinement ? confineCommand(input.confinement, line) : { ...line, cleanup: () => undefined };
    // detached: the hook gets its own process group, so a timeout kills everything it started.
    const child = spawn(wrapped.command, wrapped.args, { cwd: input.cwd, env: wrapped.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    if (child.pid) input.watch?.({ type: 'started', pid: child.pid, what: `${input.stage} hook` });
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
      if (child.pid) input.watch?.({ type: 'ended', pid: child.pid, what: `${input.stage} hook` });
      wrapped.cleanup();
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
