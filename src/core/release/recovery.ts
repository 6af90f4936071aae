import { abortableSleep } from '../recovery/retry';
import { patternOf } from './command';
import type { ReleaseStepContext } from './release-state';
import { base, removeReleases, listReleases } from './scripts';
import type { ReleaseState } from './types';

/**
 * What a release does on its own when a step's output matches a known pattern
 * (src/core/recovery/error-patterns.json, scope `release`), before it gives up:
 *   release-install-network    retry with backoff (3 times)
 *   release-no-space           prune old releases and package caches, retry once
 *   release-permission-denied  give the user write access back to what it owns in the release, retry once
 *   release-bad-archive        upload again once
 * A lost SSH connection is retried by the command runner (command.ts); a port held by this
 * target's own earlier process by the restart step; a failing health check waits and retries,
 * then the release is rolled back (finish). Every try is recorded with its outcome.
 */
interface Action {
  name: string;
  tries: number;
  apply(ctx: ReleaseStepContext, state: Readonly<ReleaseState>, host: string, attempt: number): Promise<string | void>;
}

const ACTIONS: Record<string, Action> = {
  'release-install-network': {
    name: 'retry',
    tries: 3,
    apply: async (ctx, _state, _host, attempt) => abortableSleep(ctx.timing.retryBaseMs * 2 ** attempt, ctx.signal),
  },
  'release-bad-archive': { name: 'retry', tries: 1, apply: async () => undefined },
  'release-no-space': {
    name: 'prune-and-retry',
    tries: 1,
    apply: async (ctx, state, host) => {
      const removed = await pruneForSpace(ctx, state, host);
      await ctx.run(host, `command -v npm >/dev/null 2>&1 && npm cache clean --force >/dev/null 2>&1; command -v pip3 >/dev/null 2>&1 && pip3 cache purge >/dev/null 2>&1; true`, { label: 'cache-clean', what: 'cleaning the package caches', level: 'debug', allowFailure: true });
      return `removed ${removed.length ? removed.join(', ') : 'no old release'} and the package caches`;
    },
  },
  'release-permission-denied': {
    name: 'fix-permissions',
    tries: 1,
    apply: async (ctx, state, host) => {
      const path = state.request.target.path;
      const result = await ctx.run(
        host,
        `${base(path)}chmod -R u+rwX "$B/releases/${state.release}" "$B/shared" "$B/run" "$B/logs" 2>/dev/null; others=$(find "$B/releases/${state.release}" "$B/shared" ! -user "$(id -u)" 2>/dev/null | head -n 3); [ -n "$others" ] && echo "owned by another user: $others"; true`,
        { label: 'fix-permissions', what: 'fixing permissions', level: 'debug', allowFailure: true },
      );
      const others = result.output.trim();
      return others ? `${others} — run sudo chown -R $(whoami) ${path} on ${host}` : 'gave the user write access to the release, shared/, run/ and logs/';
    },
  },
};

/** Runs `attempt` for one host; a failure with a known pattern gets its recovery action and another try. */
export async function withRecovery<T>(ctx: ReleaseStepContext, state: Readonly<ReleaseState>, host: string, attempt: () => Promise<T>): Promise<T> {
  let pending: { pattern: string; action: string; since: number; detail?: string } | undefined;
  const tries = new Map<string, number>();
  for (;;) {
    try {
      const result = await attempt();
      if (pending) ctx.recordRecovery({ host, step: ctx.step, patternId: pending.pattern, action: pending.action, worked: true, recoveredMs: ctx.now() - pending.since, ...(pending.detail ? { detail: pending.detail } : {}) });
      return result;
    } catch (error) {
      const pattern = patternOf(error);
      const action = pattern ? ACTIONS[pattern] : undefined;
      const done = pattern ? (tries.get(pattern) ?? 0) : 0;
      if (pending) ctx.recordRecovery({ host, step: ctx.step, patternId: pending.pattern, action: pending.action, worked: false, recoveredMs: null, ...(pending.detail ? { detail: pending.detail } : {}) });
      if (!pattern || !action || done >= action.tries || ctx.signal.aborted) throw error;
      tries.set(pattern, done + 1);
      ctx.log('warn', `${host}: matched ${pattern}; recovering (${action.name}, try ${done + 1} of ${action.tries}).`);
      const since = pending?.since ?? ctx.now();
      const detail = (await action.apply(ctx, state, host, done)) ?? undefined;
      if (detail) ctx.log('info', `${host}: ${detail}`);
      pending = { pattern, action: action.name, since, ...(detail ? { detail } : {}) };
    }
  }
}

/** Removes every release but the current one, the one before it and this release (when space is short). */
export async function pruneForSpace(ctx: ReleaseStepContext, state: Readonly<ReleaseState>, host: string): Promise<string[]> {
  const listing = parseReleases((await ctx.run(host, listReleases(state.request.target.path), { label: 'list', level: 'debug', what: 'listing the releases' })).output);
  const keep = new Set([listing.current, state.hosts?.[host]?.previous ?? null, state.release].filter(Boolean) as string[]);
  const victims = listing.releases.filter((r) => !keep.has(r));
  await ctx.run(host, removeReleases(state.request.target.path, victims), { label: 'prune', level: 'debug', what: 'removing old releases' });
  return victims;
}

/** The output of `listReleases`: the current release and all, oldest first. */
export function parseReleases(output: string): { current: string | null; releases: string[] } {
  let current: string | null = null;
  const releases: string[] = [];
  for (const line of output.split('\n')) {
    const [kind, value] = line.split('\t');
    if (kind === 'current') current = value?.trim() || null;
    else if (kind === 'release' && value?.trim()) releases.push(value.trim());
  }
  return { current, releases };
}
