import os from 'node:os';
import type { HistoryStore } from '../store/database';
import { decideForDeployment } from '../strategy/model-decision';
import type { EnvironmentDetection, StrategyName, StrategyRequest } from '../strategy/types';
import type { ReleaseLevers, ReleaseTarget } from './types';
import { plural } from '../plural';

/** Minutes a release is watched after its switch, by strategy (a target's `watch.minutes` wins). */
export const WATCH_MINUTES: Readonly<Record<StrategyName, number>> = { conservative: 5, balanced: 2, aggressive: 0 };

/** What is known about a release before it starts (its features for the outcome model). */
export interface ReleaseFacts {
  /** Files and lines changed since the target's last successful release (null: the first one, or unknown). */
  filesChanged: number | null;
  linesChanged: number | null;
}

/**
 * The strategy of a release, from the same outcome model and decision log as a code deployment
 * (src/core/strategy/model-decision.ts), with the release's own features in the model's columns:
 * the target's environment, the machine's load, the change since the target's last release
 * (files, lines), the hosts (as `integrationPoints`: the systems the change touches), the
 * category `release` (so the history features — failures in a row, hours since the last
 * failure — are those of this repository's releases to that environment). Then the levers:
 * conservative one host at a time with a health gate, balanced half the hosts, aggressive all at
 * once with no watch. Production never goes aggressive, not even when asked for.
 */
export function decideReleaseStrategy(
  store: HistoryStore,
  input: { deploymentId: string | undefined; repoPath: string; requested: StrategyRequest; target: ReleaseTarget; facts: ReleaseFacts; successBar?: number; now?: number },
): ReleaseLevers {
  const { target } = input;
  // The target says which environment it is; this machine's own signs (branch, CI, host name) do not matter here.
  const environment: EnvironmentDetection = {
    environment: target.environment,
    confidence: 1,
    evidence: [{ source: 'setting', value: `targets.${target.name}.environment=${target.environment}`, suggests: target.environment, weight: 10 }],
    inContainer: false,
    inCi: false,
  };
  const decision = decideForDeployment(store, {
    repoPath: input.repoPath,
    requested: input.requested,
    environment,
    metrics: machineLoad(),
    recommendation: null,
    category: 'release',
    features: {
      filesChanged: input.facts.filesChanged ?? -1,
      linesChanged: input.facts.linesChanged ?? -1,
      integrationPoints: target.hosts.length,
    },
    successBar: input.successBar,
    deploymentId: input.deploymentId,
    context: { kind: 'release', target: target.name, hosts: target.hosts.length },
    now: input.now,
  });
  const reasons = [...decision.reasons];
  let name: StrategyName = decision.strategy;
  if (decision.blocked) {
    // The heavy work of a release runs on the target, so this machine's state only makes it careful.
    reasons.push('this machine is short of resources, so the release goes conservatively');
    name = 'conservative';
  }
  if (target.environment === 'production' && name === 'aggressive') {
    reasons.push('production never goes aggressive: conservative instead');
    name = 'conservative';
  }
  const hosts = target.hosts.length;
  const byStrategy = name === 'conservative' ? 1 : name === 'balanced' ? Math.max(1, Math.ceil(hosts / 2)) : hosts;
  const batchSize = Math.min(hosts, target.batchSize ?? byStrategy);
  if (target.batchSize !== undefined) reasons.push(`the target sets batchSize ${target.batchSize}`);
  const watchMinutes = target.watch?.minutes ?? WATCH_MINUTES[name];
  reasons.push(`${plural(hosts, 'host')} in batches of ${batchSize}; watched for ${watchMinutes} min after the switch`);
  return { name, batchSize, watchMinutes, reasons };
}

/** The hosts in the order they are switched, `size` at a time. */
export function batchesOf(hosts: readonly string[], size: number): string[][] {
  const batches: string[][] = [];
  for (let i = 0; i < hosts.length; i += Math.max(1, size)) batches.push(hosts.slice(i, i + Math.max(1, size)));
  return batches;
}

/** CPU and memory of this machine now (the model's machine-load columns). */
function machineLoad(): { cpuLoadPercent: number; memoryUsedPercent: number } {
  const cores = os.cpus().length || 1;
  return {
    cpuLoadPercent: Math.min(100, Math.round((os.loadavg()[0]! / cores) * 1000) / 10),
    memoryUsedPercent: Math.round((1 - os.freemem() / os.totalmem()) * 1000) / 10,
  };
}
