// The five charts of the Analytics view, drawn with uPlot (see docs/sidebar.md for why), each
// with its text alternative: a table of the same figures. Everything drawn comes from the
// host's data message; nothing is aggregated here except stacking the day's outcomes for drawing.
import uPlot from 'uplot';
import type { AnalyticsData } from '../../src/protocol/analytics';
import { compactNumber, count, percent, shortDuration, usd } from '../shared/format';
import type { Palette } from './theme';

export interface ChartSpec {
  id: string;
  title: string;
  /** One sentence for screen readers: what the chart shows, in figures. */
  summary: string;
  options(palette: Palette, width: number): uPlot.Options;
  data: uPlot.AlignedData;
  table: { head: string[]; rows: string[][] };
  /** The series in the legend, in its order (default: as drawn). */
  legendOrder?: number[];
}

const HEIGHT = 130;
const OUTCOMES = [
  { key: 'succeeded', label: 'succeeded' },
  { key: 'failed', label: 'failed' },
  { key: 'rolledBack', label: 'rolled back' },
  { key: 'cancelled', label: 'cancelled' },
  { key: 'interrupted', label: 'interrupted' },
] as const;

/** Round steps for a duration axis (ms): 1 s … 1 d. */
const DURATION_STEPS = [1, 2, 5, 10, 15, 30].map((s) => s * 1000).concat([1, 2, 5, 10, 15, 20, 30].map((m) => m * 60_000), [1, 2, 3, 6, 12, 24].map((h) => h * 3_600_000));

const seconds = (isoDay: string) => Date.parse(`${isoDay}T00:00:00Z`) / 1000;
const dayLabel = (ts: number) => new Date(ts * 1000).toISOString().slice(0, 10);

function font(): string {
  const family = getComputedStyle(document.body).fontFamily || 'sans-serif';
  return `11px ${family}`;
}

function axis(palette: Palette, extra: Partial<uPlot.Axis> = {}): uPlot.Axis {
  return {
    stroke: palette.foreground,
    font: font(),
    grid: { stroke: palette.grid, width: 1 },
    ticks: { stroke: palette.grid, width: 1, size: 3 },
    gap: 3,
    ...extra,
  };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A time axis labelled "Nov 4" over a few months, "Nov ’25" over longer: one line, UTC days. */
function timeAxis(palette: Palette, spanDays: number): uPlot.Axis {
  return axis(palette, {
    grid: { show: false },
    size: 22,
    values: (_u, splits) =>
      splits.map((ts) => {
        const d = new Date(ts * 1000);
        return spanDays <= 120 ? `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}` : `${MONTHS[d.getUTCMonth()]} ’${String(d.getUTCFullYear()).slice(2)}`;
      }),
  });
}

function base(palette: Palette, width: number, extra: Partial<uPlot.Options>): uPlot.Options {
  return {
    width,
    height: HEIGHT,
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
    cursor: { drag: { x: false, y: false, setScale: false }, points: { show: false } },
    // The legend is drawn by the view (main.ts) from the series' labels, colours and values.
    legend: { show: false },
    ...extra,
  } as uPlot.Options;
}

function bars(color: string, palette: Palette, extra: Partial<uPlot.Series> = {}): uPlot.Series {
  return {
    fill: color,
    stroke: palette.outline || color,
    width: palette.outline ? 1 : 0,
    paths: uPlot.paths.bars!({ size: [0.8, 48], gap: 1 }),
    points: { show: false },
    ...extra,
  };
}

/** Bars over categories (strategies, repair rounds): x is 0..n-1, labelled. */
function categoryOptions(palette: Palette, width: number, labels: string[], series: uPlot.Series, yValue: (v: number) => string): uPlot.Options {
  // The legend names the hovered category; not hovering, the series' value is the total.
  return base(palette, width, {
    scales: { x: { time: false, range: [-0.6, labels.length - 0.4] }, y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] } },
    axes: [
      axis(palette, { size: 22, splits: () => labels.map((_, i) => i), values: (_u, splits) => splits.map((i) => labels[i] ?? ''), grid: { show: false } }),
      axis(palette, { size: 40, values: (_u, splits) => splits.map(yValue) }),
    ],
    series: [{ label: '', value: (_u, v) => (v === null ? '' : (labels[v] ?? '')) }, series],
  });
}

export function chartSpecs(d: AnalyticsData): ChartSpec[] {
  const s = d.series;
  const xs = s.days.map(seconds);
  const activeDays = s.days.map((_, i) => i).filter((i) => OUTCOMES.some((o) => s.outcomes[o.key][i]! > 0));

  // Stacked by drawing cumulative totals tallest first: each bar covers the ones below it.
  const cumulative: number[][] = [];
  OUTCOMES.forEach((o, k) => cumulative.push(s.outcomes[o.key].map((v, i) => v + (k ? cumulative[k - 1]![i]! : 0))));
  const stackOrder = [...OUTCOMES.keys()].reverse();

  const deploymentsPerDay: ChartSpec = {
    id: 'outcomes',
    title: 'Deployments per day',
    summary: `${count(d.deployments.total)} deployments over ${s.days.length} days: ${OUTCOMES.map((o) => `${count(s.outcomes[o.key].reduce((a, b) => a + b, 0))} ${o.label}`).join(', ')}.`,
    data: [xs, ...stackOrder.map((k) => cumulative[k]!)],
    // Bottom of the stack first: succeeded, failed, rolled back, cancelled, interrupted.
    legendOrder: stackOrder.map((_, i) => stackOrder.length - i),
    options: (palette, width) =>
      base(palette, width, {
        scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
        axes: [timeAxis(palette, s.days.length), axis(palette, { size: 32, values: (_u, splits) => splits.map((v) => (Number.isInteger(v) ? compactNumber(v) : '')) })],
        series: [
          { label: '', value: (_u, v) => (v === null ? '' : dayLabel(v)) },
          ...stackOrder.map((k) => {
            const o = OUTCOMES[k]!;
            const total = count(s.outcomes[o.key].reduce((a, b) => a + b, 0));
            // Not hovering: the window's total; over a day: that day's count.
            return bars(palette[o.key], palette, { label: o.label, value: (_u: uPlot, _v: number | null, _si: number, i: number | null) => (i === null ? total : String(s.outcomes[o.key][i] ?? 0)) });
          }),
        ],
      }),
    table: {
      head: ['Day', ...OUTCOMES.map((o) => o.label)],
      rows: activeDays.map((i) => [s.days[i]!, ...OUTCOMES.map((o) => String(s.outcomes[o.key][i]))]),
    },
  };

  const points = s.durations.points;
  const measured = points.filter((p) => p.n > 0);
  const durations: ChartSpec = {
    id: 'durations',
    title: `Duration p50 / p90 by ${s.durations.bucket}`,
    summary: measured.length
      ? `Median duration from ${shortDuration(measured[0]!.p50Ms)} to ${shortDuration(measured.at(-1)!.p50Ms)}; p90 from ${shortDuration(measured[0]!.p90Ms)} to ${shortDuration(measured.at(-1)!.p90Ms)}.`
      : 'No finished deployment with a duration in this window.',
    data: [points.map((p) => seconds(p.start)), points.map((p) => p.p50Ms), points.map((p) => p.p90Ms)],
    options: (palette, width) =>
      base(palette, width, {
        scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1000, max * 1.1)] } },
        axes: [timeAxis(palette, s.days.length), axis(palette, { size: 40, incrs: DURATION_STEPS, values: (_u, splits) => splits.map((v) => (v === 0 ? '0' : shortDuration(v))) })],
        series: [
          { label: '', value: (_u, v) => (v === null ? '' : `${s.durations.bucket} of ${dayLabel(v)}`) },
          { label: 'p50', stroke: palette.p50, width: 2, points: { show: points.length < 40, size: 5, fill: palette.p50 }, value: (_u, v, _si, i) => shortDuration(i === null ? d.durationMs.p50 : v) },
          { label: 'p90', stroke: palette.p90, width: 2, dash: [5, 3], points: { show: points.length < 40, size: 5, fill: palette.p90 }, value: (_u, v, _si, i) => shortDuration(i === null ? d.durationMs.p90 : v) },
        ],
      }),
    table: { head: [`${s.durations.bucket[0]!.toUpperCase()}${s.durations.bucket.slice(1)} from`, 'deployments', 'p50', 'p90'], rows: measured.map((p) => [p.start, count(p.n), shortDuration(p.p50Ms), shortDuration(p.p90Ms)]) },
  };

  const mix = d.strategyMix;
  const strategyMix: ChartSpec = {
    id: 'strategies',
    title: 'Strategy mix',
    summary: mix.length ? mix.map((m) => `${m.strategy} ${percent(m.share)} (${percent(m.successRate)} succeeded)`).join(', ') + '.' : 'No deployment in this window.',
    data: [mix.map((_, i) => i), mix.map((m) => m.deployments)],
    options: (palette, width) =>
      categoryOptions(
        palette,
        width,
        mix.map((m) => m.strategy),
        bars(palette.bars, palette, {
          label: 'deployments',
          value: (_u: uPlot, v: number | null, _si: number, i: number | null) => (v === null || i === null ? count(d.deployments.total) : `${count(v)} (${percent(mix[i]!.share)}, ${percent(mix[i]!.successRate)} succeeded)`),
        }),
        (v) => (Number.isInteger(v) ? compactNumber(v) : ''),
      ),
    table: { head: ['Strategy', 'deployments', 'share', 'succeeded'], rows: mix.map((m) => [m.strategy, count(m.deployments), percent(m.share), percent(m.successRate)]) },
  };

  const rounds = s.repairRounds;
  const finished = rounds.reduce((n, r) => n + r.deployments, 0);
  const repairs: ChartSpec = {
    id: 'repairs',
    title: 'Repair rounds per deployment',
    summary: finished
      ? `${rounds.map((r) => `${count(r.deployments)} with ${r.rounds} round${r.rounds === '1' ? '' : 's'}`).join(', ')}; ${d.repairsPerDeployment === null ? '' : `${d.repairsPerDeployment.toFixed(2)} on average`}.`
      : 'No finished deployment in this window.',
    data: [rounds.map((_, i) => i), rounds.map((r) => r.deployments)],
    options: (palette, width) =>
      categoryOptions(
        palette,
        width,
        rounds.map((r) => r.rounds),
        bars(palette.bars, palette, { label: 'finished deployments', value: (_u: uPlot, v: number | null, _si: number, i: number | null) => (v === null || i === null ? count(finished) : `${count(v)} (${percent(finished ? v / finished : null)})`) }),
        (v) => (Number.isInteger(v) ? compactNumber(v) : ''),
      ),
    table: { head: ['Repair rounds', 'deployments', 'share'], rows: rounds.map((r) => [r.rounds, count(r.deployments), percent(finished ? r.deployments / finished : null)]) },
  };

  const usageDays = s.days.map((_, i) => i).filter((i) => s.tokens[i]! > 0 || s.costUsd[i]! > 0);
  const totalTokens = s.tokens.reduce((a, b) => a + b, 0);
  const totalCost = s.costUsd.reduce((a, b) => a + b, 0);
  const usage: ChartSpec = {
    id: 'usage',
    title: 'Model tokens and cost per day',
    summary: `${compactNumber(totalTokens)} tokens and ${usd(totalCost)} over ${s.days.length} days.`,
    data: [xs, s.tokens, s.costUsd],
    options: (palette, width) =>
      base(palette, width, {
        scales: { x: { time: true }, tokens: { range: (_u, _min, max) => [0, Math.max(1, max)] }, usd: { range: (_u, _min, max) => [0, Math.max(0.01, max * 1.1)] } },
        axes: [
          timeAxis(palette, s.days.length),
          axis(palette, { scale: 'tokens', size: 36, values: (_u, splits) => splits.map((v) => compactNumber(v)) }),
          axis(palette, { scale: 'usd', side: 1, size: 40, grid: { show: false }, values: (_u, splits) => splits.map((v) => usd(v)) }),
        ],
        series: [
          { label: '', value: (_u, v) => (v === null ? '' : dayLabel(v)) },
          bars(palette.tokens, palette, { label: 'tokens', scale: 'tokens', value: (_u: uPlot, v: number | null, _si: number, i: number | null) => (i === null ? compactNumber(totalTokens) : compactNumber(v ?? 0)) }),
          { label: 'cost', scale: 'usd', stroke: palette.cost, width: 2, points: { show: false }, value: (_u, v, _si, i) => (i === null ? usd(totalCost) : usd(v ?? 0)) },
        ],
      }),
    table: { head: ['Day', 'tokens', 'cost'], rows: usageDays.map((i) => [s.days[i]!, count(s.tokens[i]!), usd(s.costUsd[i]!)]) },
  };

  return [deploymentsPerDay, durations, strategyMix, repairs, usage];
}
