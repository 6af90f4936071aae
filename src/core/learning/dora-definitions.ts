import { DORA_2023, DORA_EVIDENCE } from './dora';

const DAY = 86_400_000;
const pct = (r: number) => `${Math.round(r * 100)}%`;

/**
 * What each DORA key measures here and the 2023 tiers, in words (the sidebar's tooltips), written
 * from the thresholds in dora.ts so that the words never disagree with the tiers.
 */
export function doraDefinitions(): Record<'deploymentFrequency' | 'leadTimeForChanges' | 'changeFailureRate' | 'timeToRestore', string> {
  const f = DORA_2023.deploymentFrequency;
  const l = DORA_2023.leadTimeMs;
  const c = DORA_2023.changeFailureRate;
  const r = DORA_2023.timeToRestoreMs;
  return {
    deploymentFrequency:
      `How often changes ship: deployments that committed their change (local-commit or pull request) and releases that reached their target, that succeeded, per day of the window (of the history, when it began within the window). ` +
      `Tiers (DORA 2023, given after ${DORA_EVIDENCE.minShipped} shipped deployments and ${DORA_EVIDENCE.minDays} days of history): elite at least ${f.elitePerDay} a day, high at least once every ${Math.round(1 / f.highPerDay)} days, medium at least once every ${Math.round(1 / f.mediumPerDay)} days, low less often.`,
    leadTimeForChanges:
      `How long a change takes from the request to being shipped (committed, or its pull request merged once synced with GitHub; a release: from its commit to its end); the median of the window. ` +
      `Tiers: elite under ${l.eliteBelow / DAY} day, high up to ${l.highAtMost / DAY} days, medium up to ${l.mediumAtMost / DAY} days, low longer.`,
    changeFailureRate:
      `The share of shipped deployments that failed afterwards: rolled back, or failed on GitHub (CI failed, reverted) once synced. ` +
      `Tiers: elite up to ${pct(c.eliteAtMost)}, high up to ${pct(c.highAtMost)}, medium up to ${pct(c.mediumAtMost)}, low above.`,
    timeToRestore:
      `How long it takes to recover: from the first failure of a failing streak in a repository and environment to the next success or the rollback; the median of the window. ` +
      `Tiers: elite under ${r.eliteBelow / 3_600_000} hour, high under ${r.highBelow / 3_600_000} hours, medium up to ${r.mediumAtMost / DAY} days, low longer.`,
  };
}
