/** z for a two-sided 95% interval. */
export const Z_95 = 1.96;

/**
 * The lower bound of the Wilson score interval for a success rate: with 95% confidence the true
 * rate is at least this. Unlike the plain rate it rewards evidence: 1 of 1 scores 0.21, 100 of 100
 * scores 0.96. No trials → 0 (nothing is known).
 */
export function wilsonLowerBound(successes: number, trials: number, z = Z_95): number {
  return wilsonInterval(successes, trials, z).lower;
}

/** The Wilson score interval; no trials → [0, 1]. */
export function wilsonInterval(successes: number, trials: number, z = Z_95): { lower: number; upper: number } {
  if (!(trials > 0)) return { lower: 0, upper: 1 };
  if (successes < 0 || successes > trials) throw new RangeError(`successes (${successes}) must be between 0 and trials (${trials})`);
  const p = successes / trials;
  const z2 = z * z;
  const centre = p + z2 / (2 * trials);
  const margin = z * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials));
  const denominator = 1 + z2 / trials;
  // Clamp the rounding noise at the ends (0 of n, n of n).
  return { lower: Math.max(0, (centre - margin) / denominator), upper: Math.min(1, (centre + margin) / denominator) };
}
