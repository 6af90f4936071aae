import type Database from 'better-sqlite3';
import { DeployAgentError } from '../errors';

/** What a metrics command or URL answers (JSON); either figure may be absent. */
export interface ReleaseMetrics {
  errorRate?: number;
  latencyMs?: number;
}

export const METRICS_EVENT = 'release.metrics';

export function parseMetrics(text: string): ReleaseMetrics {
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  let value: unknown;
  try {
    value = JSON.parse(text.slice(start, end + 1));
  } catch {
    throw new DeployAgentError('METRICS_UNREADABLE', `The watch's metrics are not JSON: ${text.trim().slice(0, 200)}`, 'Make the metrics command or URL print one JSON object: { "errorRate": 0.01, "latencyMs": 120 }.');
  }
  const v = value as Record<string, unknown>;
  return {
    ...(typeof v.errorRate === 'number' ? { errorRate: v.errorRate } : {}),
    ...(typeof v.latencyMs === 'number' ? { latencyMs: v.latencyMs } : {}),
  };
}

/** The figures the last successful release to this target settled on (what a new release is compared with). */
export function baselineMetrics(db: Database.Database, target: string, before: string): ReleaseMetrics | null {
  const row = db
    .prepare(
      `SELECT e.payload FROM events e JOIN deployments d ON d.id = e.deployment_id
        WHERE d.kind = 'release' AND d.target = ? AND d.status = 'succeeded' AND d.id != ? AND e.type = ?
        ORDER BY e.id DESC LIMIT 1`,
    )
    .get(target, before, METRICS_EVENT) as { payload: string } | undefined;
  return row ? (JSON.parse(row.payload) as ReleaseMetrics) : null;
}

/** A breach: what moved past its limit against the previous release (null: within limits). */
export function breachOf(now: ReleaseMetrics, baseline: ReleaseMetrics | null, limits: { maxErrorRateIncrease: number; maxLatencyRatio: number }): string | null {
  if (!baseline) return null;
  if (now.errorRate !== undefined && baseline.errorRate !== undefined && now.errorRate > baseline.errorRate + limits.maxErrorRateIncrease) {
    return `error rate ${now.errorRate} is above the previous release's ${baseline.errorRate} + ${limits.maxErrorRateIncrease}`;
  }
  if (now.latencyMs !== undefined && baseline.latencyMs !== undefined && baseline.latencyMs > 0 && now.latencyMs > baseline.latencyMs * limits.maxLatencyRatio) {
    return `latency ${now.latencyMs} ms is above ${limits.maxLatencyRatio} × the previous release's ${baseline.latencyMs} ms`;
  }
  return null;
}

export function averageMetrics(samples: readonly ReleaseMetrics[]): ReleaseMetrics {
  const avg = (key: keyof ReleaseMetrics) => {
    const values = samples.map((s) => s[key]).filter((v): v is number => typeof v === 'number');
    return values.length ? Math.round((values.reduce((a, b) => a + b, 0) / values.length) * 10000) / 10000 : undefined;
  };
  const errorRate = avg('errorRate');
  const latencyMs = avg('latencyMs');
  return { ...(errorRate !== undefined ? { errorRate } : {}), ...(latencyMs !== undefined ? { latencyMs } : {}) };
}
