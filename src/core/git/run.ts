import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Runs git in `cwd`; stdout trimmed. Errors carry git's stderr in their message. */
export async function git(cwd: string, args: string[], options: { env?: NodeJS.ProcessEnv; signal?: AbortSignal } = {}): Promise<string> {
  try {
    const { stdout } = await run('git', args, { cwd, env: options.env ?? process.env, maxBuffer: 64 * 1024 * 1024, signal: options.signal });
    return stdout.trim();
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? '').trim();
    if (stderr) (error as Error).message = `git ${args[0]}: ${stderr}`;
    throw error;
  }
}
