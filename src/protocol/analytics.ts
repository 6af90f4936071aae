/**
 * Messages between the extension host and the sidebar's Analytics view (webview-ui/analytics).
 * Both sides import these types; the host assigns core's analytics to `AnalyticsData`, so a field
 * renamed in core fails the type check here. The data is exactly what `deploy-agent analytics
 * --json [--repo PATH] [--days N|all]` prints for the same window.
 */

export type AnalyticsScope = 'repository' | 'all';
export type AnalyticsWindow = 7 | 30 | 90 | 'all';

export interface AnalyticsSelection {
  scope: AnalyticsScope;
  window: AnalyticsWindow;
}

export type DoraTier = 'elite' | 'high' | 'medium' | 'low';

export interface DoraKeyView<T> {
  tier: DoraTier | null;
  note?: string;
  value: T;
}

/** core/learning's AnalyticsWithSeries, as JSON. */
export interface AnalyticsData {
  window: { environment: string | null; repoPath: string | null; days: number | null; from: string | null; to: string; activeDays: number };
  outcomeSource: 'local' | 'local+github';
  deployments: { total: number; finished: number; succeeded: number; failed: number; rolledBack: number; cancelled: number; interrupted: number; shipped: number };
  /** Deployments refused by the safety step or stopped at setup (no model or test ran): not in `deployments`, counted apart. */
  setupFailures: { total: number; refused: number };
  rates: { success: number | null; failure: number | null; rollback: number | null };
  durationMs: { n: number; p50: number | null; p90: number | null; p99: number | null; mean: number | null };
  trend: {
    bucket: 'day' | 'week' | 'month';
    points: { start: string; deployments: number; finished: number; successRate: number | null; meanDurationMs: number | null }[];
    successRateChange: number | null;
    meanDurationChange: number | null;
    direction: 'improving' | 'worsening' | 'mixed' | 'steady' | 'not enough data';
  };
  strategyMix: { strategy: string; deployments: number; share: number; successRate: number | null }[];
  repairsPerDeployment: number | null;
  dora: {
    /** `days`: what perDay divides by (the window's days, or the history's when it began within the window). */
    deploymentFrequency: DoraKeyView<{ shipped: number; days: number; perDay: number; perWeek: number }>;
    leadTimeForChanges: DoraKeyView<{ n: number; medianMs: number | null; meanMs: number | null }>;
    changeFailureRate: DoraKeyView<{ shipped: number; failed: number; rate: number | null }>;
    timeToRestore: DoraKeyView<{ episodes: number; restored: number; open: number; medianMs: number | null }>;
  };
  series: {
    days: string[];
    outcomes: { succeeded: number[]; failed: number[]; rolledBack: number[]; cancelled: number[]; interrupted: number[] };
    tokens: number[];
    costUsd: number[];
    durations: { bucket: 'day' | 'week' | 'month'; points: { start: string; n: number; p50Ms: number | null; p90Ms: number | null }[] };
    repairRounds: { rounds: string; deployments: number }[];
  };
  learning: { caughtUp: number };
}

/** What the empty state needs to know besides the window's figures. */
export interface HistoryContext {
  /** The open repository (its git root), or null without a folder. */
  repository: { path: string; name: string } | null;
  /** Deployments ever recorded in the scope (any window, any status). */
  scopeDeployments: number;
  /** Deployments recorded in the scope within the window (any status: also those stopped before the work, running or waiting for review). */
  windowDeployments: number;
  /** Deployments ever recorded in any repository. */
  allDeployments: number;
  /** CI builds imported as history for the outcome model (`history import`). */
  ciBuilds: number;
  /** What each DORA key measures and its tiers, in words (from core's thresholds). */
  doraDefinitions: Record<keyof AnalyticsData['dora'], string>;
}

export type HostToAnalytics =
  /** `id` names these figures: the view does not draw again figures it already shows (the host may send them twice: as soon as they are computed, and when the view says it is ready). */
  | { type: 'analytics'; id: string; selection: AnalyticsSelection; data: AnalyticsData; context: HistoryContext; queryMs: number }
  | { type: 'loading'; selection: AnalyticsSelection }
  | { type: 'error'; message: string; hint?: string }
  | { type: 'import'; state: 'running' | 'done' | 'failed'; message: string };

export type AnalyticsToHost =
  | { type: 'ready'; selection?: AnalyticsSelection }
  | { type: 'select'; selection: AnalyticsSelection }
  | { type: 'importCiHistory'; source: 'github' | 'travistorrent' }
  | { type: 'deploy' }
  /**
   * The first chart drew this many ms after the view's document started (performance.now());
   * with when the view said it was ready and when the figures arrived, on the same clock.
   */
  | { type: 'painted'; firstChartMs: number; readyMs: number; dataMs: number; fromSavedState: boolean; /** The document's start, in ms since the epoch (performance.timeOrigin): the host relates it to when it set the HTML. */ timeOrigin: number };

export const DEFAULT_SELECTION: AnalyticsSelection = { scope: 'repository', window: 30 };
