import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { ConfinementTool } from './types';

const run = promisify(execFile);

/**
 * Finds the confinement tool of this machine at run time and proves it works: bubblewrap must
 * actually create its namespaces here (a kernel or an AppArmor policy may forbid unprivileged
 * user namespaces), sandbox-exec must accept a profile. The answer is kept per PATH for the
 * life of the process.
 */
const known = new Map<string, Promise<ConfinementTool>>();

export function detectConfinementTool(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): Promise<ConfinementTool> {
  const key = `${platform}\0${env.PATH ?? ''}`;
  let found = known.get(key);
  if (!found) known.set(key, (found = detect(env, platform)));
  return found;
}

/** Forgets what was found (tests that change PATH; a user who just installed bubblewrap gets it at the next process anyway). */
export function forgetConfinementTools(): void {
  known.clear();
}

async function detect(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): Promise<ConfinementTool> {
  if (platform === 'linux') {
    const bwrap = onPath('bwrap', env);
    if (!bwrap) {
      return {
        kind: 'none',
        problem: 'bubblewrap (bwrap) is not installed or not on PATH',
        hint: 'Install bubblewrap (Debian/Ubuntu: `sudo apt-get install bubblewrap`; Fedora: `sudo dnf install bubblewrap`; Arch: `sudo pacman -S bubblewrap`), then deploy again.',
      };
    }
    try {
      // The same namespaces a real run asks for.
      await run(bwrap, ['--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', '--tmpfs', '/tmp', '--unshare-net', '--unshare-pid', '--unshare-ipc', '--die-with-parent', '--', 'true'], { env: { PATH: env.PATH ?? '' }, timeout: 10_000 });
    } catch (error) {
      const said = ((error as { stderr?: string }).stderr ?? (error as Error).message).trim().split('\n')[0];
      return {
        kind: 'none',
        command: bwrap,
        problem: `bubblewrap is installed (${bwrap}) but cannot create its namespaces here: ${said}`,
        hint: 'Allow unprivileged user namespaces (e.g. `sysctl kernel.unprivileged_userns_clone=1`, or on Ubuntu 24.04 an AppArmor profile for bwrap), or install bwrap setuid; `deploy-agent diagnostics` shows the result.',
      };
    }
    return { kind: 'bubblewrap', command: bwrap, version: await versionOf(bwrap, env) };
  }
  if (platform === 'darwin') {
    const tool = ['/usr/bin/sandbox-exec', onPath('sandbox-exec', env)].find((p): p is string => Boolean(p && executable(p)));
    if (!tool) return { kind: 'none', problem: 'sandbox-exec is not available', hint: 'sandbox-exec ships with macOS in /usr/bin; check that it was not removed.' };
    try {
      await run(tool, ['-p', '(version 1)(allow default)', '/usr/bin/true'], { timeout: 10_000 });
    } catch (error) {
      return { kind: 'none', command: tool, problem: `sandbox-exec refused a profile: ${(error as Error).message}`, hint: 'Run `deploy-agent diagnostics` and report what it says.' };
    }
    return { kind: 'sandbox-exec', command: tool };
  }
  return { kind: 'none', problem: `no confinement tool is supported on ${platform}`, hint: 'Run the tests on Linux (bubblewrap) or macOS, e.g. in WSL 2.' };
}

function onPath(name: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, name);
    if (executable(candidate)) return candidate;
  }
  return undefined;
}

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function versionOf(bwrap: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  try {
    const { stdout } = await run(bwrap, ['--version'], { env: { PATH: env.PATH ?? '' }, timeout: 5000 });
    return stdout.trim().replace(/^bubblewrap\s*/, '') || undefined;
  } catch {
    return undefined;
  }
}
