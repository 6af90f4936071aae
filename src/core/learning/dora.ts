/**
 * The four DORA keys' performance tiers, from the software delivery performance clusters of the
 * Accelerate State of DevOps Report 2023 (DORA / Google Cloud; verified against the reproduction
 * of its cluster table cited in docs/learning.md — not the 2022 clusters, whose low recovery time
 * was one week to one month). The report describes each cluster
 * by a typical value; the boundaries below turn those descriptions into thresholds
 * (docs/learning.md explains each choice). Every comparison is written so that a value exactly
 * on a boundary lands in the better tier named by the report's wording ("between one day and one
 * week" includes one week; "less than one day" excludes one day).
 */
export type DoraTier = 'elite' | 'high' | 'medium' | 'low';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export const DORA_2023 = {
  deploymentFrequency: {
    /** On demand, several a day: at least one deployment a day on average. */
    elitePerDay: 1,
    /** Between once a day and once a week. */
    highPerDay: 1 / 7,
    /** Between once a week and once a month (30 days). */
    mediumPerDay: 1 / 30,
  },
  leadTimeMs: {
    /** Less than one day. */
    eliteBelow: DAY,
    /** Between one day and one week. */
    highAtMost: 7 * DAY,
    /** Between one week and one month (30 days). */
    mediumAtMost: 30 * DAY,
  },
  changeFailureRate: {
    /** The clusters' typical rates: 5%, 10%, 15% (low: 64%). */
    eliteAtMost: 0.05,
    highAtMost: 0.1,
    mediumAtMost: 0.15,
  },
  timeToRestoreMs: {
    /** Less than one hour. (Low: between one month and six months; a week to a month, which no cluster describes, is low too.) */
    eliteBelow: HOUR,
    /** Less than one day. */
    highBelow: DAY,
    /** Between one day and one week. */
    mediumAtMost: 7 * DAY,
  },
} as const;

/**
 * How much a tier needs before it is given. The tiers tell a team's habits apart (daily from
 * weekly, 5% from 15% failing); one deployment on its first day says nothing of them, and would
 * read "elite" on every key. Below these, a key shows its value with no tier and says what is missing.
 */
export const DORA_EVIDENCE = {
  /** Shipped deployments before deployment frequency, lead time and change failure rate get a tier. */
  minShipped: 3,
  /** Days of history in the window before deployment frequency gets a tier (less than a week cannot tell daily from weekly). */
  minDays: 7,
} as const;

export function deploymentFrequencyTier(perDay: number): DoraTier {
  const t = DORA_2023.deploymentFrequency;
  if (perDay >= t.elitePerDay) return 'elite';
  if (perDay >= t.highPerDay) return 'high';
  if (perDay >= t.mediumPerDay) return 'medium';
  return 'low';
}

export function leadTimeTier(medianMs: number): DoraTier {
  const t = DORA_2023.leadTimeMs;
  if (medianMs < t.eliteBelow) return 'elite';
  if (medianMs <= t.highAtMost) return 'high';
  if (medianMs <= t.mediumAtMost) return 'medium';
  return 'low';
}

export function changeFailureRateTier(rate: number): DoraTier {
  const t = DORA_2023.changeFailureRate;
  if (rate <= t.eliteAtMost) return 'elite';
  if (rate <= t.highAtMost) return 'high';
  if (rate <= t.mediumAtMost) return 'medium';
  return 'low';
}

export function timeToRestoreTier(medianMs: number): DoraTier {
  const t = DORA_2023.timeToRestoreMs;
  if (medianMs < t.eliteBelow) return 'elite';
  if (medianMs < t.highBelow) return 'high';
  if (medianMs <= t.mediumAtMost) return 'medium';
  return 'low';
}
