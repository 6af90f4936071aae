import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Runs git in `cwd`; stdout trimmed (`raw`: as git wrote it — porcelain output starts with a significant space). Errors carry git's stderr in their message. */
export async function git(cwd: string, args: string[], options: { env?: NodeJS.ProcessEnv; signal?: AbortSignal; raw?: boolean } = {}): Promise<string> {
  try {
    const { stdout } = await run('git', args, { cwd, env: options.env ?? process.env, maxBuffer: 64 * 1024 * 1024, signal: options.signal });
    return options.raw ? stdout : stdout.trim();
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? '').trim();
    if (stderr) (error as Error).message = `git ${args[0]}: ${stderr}`;
    throw error;
  }
}
