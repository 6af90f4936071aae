import { mulberry32 } from '../../src/core/strategy/forest';
import type { HistoryBuild } from '../../src/core/strategy/travistorrent';

/** Streaky CI builds, one an hour: a failure tends to follow a failure; big changes fail more often. */
export function streakyBuilds(n: number, seed: number): HistoryBuild[] {
  const random = mulberry32(seed);
  const out: HistoryBuild[] = [];
  let failed = false;
  for (let i = 0; i < n; i++) {
    const churn = Math.floor(random() * 400);
    failed = random() < (failed ? 0.6 : 0.1 + churn / 2000);
    out.push({
      project: 'demo', externalId: String(i), startedAt: Date.UTC(2014, 0, 1) + i * 3_600_000, failed, isPr: random() < 0.2,
      linesChanged: churn, numeric: { git_diff_src_churn: churn, gh_sloc: 1000 + i, gh_is_pr: 0 },
    });
  }
  return out;
}
