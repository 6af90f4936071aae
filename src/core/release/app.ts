import { matchErrorPattern } from '../recovery/error-patterns';
import type { ReleaseStepContext } from './release-state';
import { appLogTail, startApp, stepCommand, stopApp } from './scripts';
import type { ReleaseTarget } from './types';
import { portInUseError, portState } from './port';

/**
 * (Re)starts the application on one host, running whatever `current` points at: the target's own
 * `restart` command (a service manager), or the built-in supervisor with `start`. A port held by
 * an earlier process of this target outside the supervisor is freed first (a recorded
 * recovery); one held by anything else stops the release with the holder named.
 */
export async function restartApp(ctx: ReleaseStepContext, target: ReleaseTarget, host: string, root: string): Promise<string> {
  if (target.appPort && !target.restart) {
    // The supervisor's own application is stopped by startApp; anything else on the port first.
    const port = await portState(ctx.run, target, host, root, target.appPort);
    if (port.kind === 'foreign') throw portInUseError(target, host, target.appPort, port.holders);
    if (port.kind === 'own') {
      const since = ctx.now();
      const pids = port.holders.map((h) => h.pid);
      ctx.log('warn', `${host}: port ${target.appPort} is held by an earlier process of this target (pid ${pids.join(', ')}, in ${port.holders[0]!.cwd}); stopping it.`);
      await ctx.run(host, `for p in ${pids.join(' ')}; do kill -TERM "$p" 2>/dev/null; done; i=0; while [ $i -lt 50 ] && { ${pids.map((p) => `kill -0 ${p} 2>/dev/null`).join(' || ')}; }; do sleep 0.1; i=$((i+1)); done; for p in ${pids.join(' ')}; do kill -KILL "$p" 2>/dev/null; done; true`, { label: 'stop-own', level: 'debug', what: 'stopping the earlier process' });
      const after = await portState(ctx.run, target, host, root, target.appPort);
      ctx.recordRecovery({ host, step: ctx.step, patternId: 'release-port-in-use', action: 'stop-own-process', worked: after.kind === 'free' || after.kind === 'running', recoveredMs: ctx.now() - since, detail: `stopped pid ${pids.join(', ')}` });
    }
  }
  if (target.restart) {
    await ctx.run(host, stepCommand(target.path, 'restart', 'current', target.restart), { what: 'restart' });
    return 'restarted';
  }
  const pid = (await ctx.run(host, startApp(target.path, target.start!), { level: 'debug', what: 'starting the application' })).output.trim().split('\n').at(-1);
  return `started (process group ${pid})`;
}

export async function stopAppOn(ctx: ReleaseStepContext, target: ReleaseTarget, host: string): Promise<void> {
  if (!target.restart) await ctx.run(host, stopApp(target.path), { label: 'stop', level: 'debug', what: 'stopping the application' });
}

/** The known pattern in the tail of the supervised application's log (a failed health check explains itself with it). */
export async function appLogExcerpt(ctx: ReleaseStepContext, target: ReleaseTarget, host: string): Promise<{ excerpt: string; patternId: string | null } | null> {
  if (target.restart) return null;
  const tail = (await ctx.run(host, appLogTail(target.path), { label: 'log', level: 'debug', what: 'reading the application log', allowFailure: true })).output;
  const pattern = matchErrorPattern(tail, { scope: 'release' });
  // Only a line that explains something: an application that started fine has nothing to add.
  return pattern ? { excerpt: pattern.excerpt, patternId: pattern.id } : null;
}
