// The deployment panel's first paint, as measured inside VS Code (code-server + Chromium) by the
// last `npm run test:e2e`, in three lines:
// - panel.firstPaint (warm): "Deploy Agent: Deploy Recommendation" run in a window where the
//   services are loaded → the recommendations list painted in the panel (the webview reports it
//   after the frame that shows it); test/e2e/scenarios/30-panel.mjs, the median of its three
//   commands after the first.
// - panel.firstPaintCold: the same for the window's first command, which also loads the services.
// - panel.firstPaintVsBareWebview: the extension-host suite (test/vscode-suite/panel-paint.test.ts)
//   opens a bare webview panel (one line of text) and the deployment panel in turns, five times
//   each, timed the same way: VS Code's own floor beside ours, in one run (medians and ratio).
// Target: 300 ms (warm). Without e2e results it says so (skipped).
// Run alone: npx tsx bench/panel-paint.bench.ts
import { lastE2eRun, target, verdict } from './support';

const TARGET_MS = 300;

const last = lastE2eRun();
const skipped = (name: string, reason: string) => console.log(JSON.stringify({ name, skipped: true, reason, targetMs: TARGET_MS }));

if (!last.run) {
  for (const name of ['panel.firstPaint', 'panel.firstPaintCold', 'panel.firstPaintVsBareWebview']) skipped(name, last.reason);
} else {
  const { run, source } = last;
  const figure = (key: string) => (typeof run.figures?.[key] === 'number' ? Math.round(run.figures[key]) : null);
  const warm = figure('panel.firstPaintMs');
  if (warm === null) skipped('panel.firstPaint', `the last e2e run (${run.finishedAt}) recorded no panel.firstPaintMs (its panel scenario did not run, or failed before)`);
  else
    console.log(
      JSON.stringify({
        name: 'panel.firstPaint',
        timed: 'from "Deploy Agent: Deploy Recommendation" in the extension host to the recommendations list painted in the panel, the services loaded (the e2e run, code-server + Chromium; the panel closed and opened again, median)',
        runs: figure('panel.firstPaint.samples') ?? 1,
        ...(figure('panel.firstPaint.minMs') !== null ? { minMs: figure('panel.firstPaint.minMs'), maxMs: figure('panel.firstPaint.maxMs') } : { spread: 'one run (one e2e window)' }),
        medianMs: warm,
        listReadMs: figure('panel.firstPaint.listReadMs'),
        documentStartMs: figure('panel.firstPaint.documentStartMs'),
        webviewReadyMs: figure('panel.firstPaint.webviewReadyMs'),
        source,
        ...verdict(target('first paint', warm, '<', TARGET_MS, 'ms')),
      }),
    );
  const cold = figure('panel.firstPaintColdMs');
  if (cold === null) skipped('panel.firstPaintCold', `the last e2e run (${run.finishedAt}) recorded no panel.firstPaintColdMs (its panel scenario did not run, or the window's first command found the services loaded)`);
  else
    console.log(
      JSON.stringify({
        name: 'panel.firstPaintCold',
        timed: "the same, for the window's first Deploy Agent command (the services load with it)",
        runs: 1,
        spread: 'one run (one e2e window)',
        ms: cold,
        source,
        note: 'no target of its own: the 300 ms target is the warm figure; the cold one is bounded by loading the services',
      }),
    );
  const pair = run.suite?.extras?.panelPaint as { rounds: number; bareMedianMs: number; panelMedianMs: number; bareMs: number[]; panelMs: number[] } | undefined;
  if (!pair) skipped('panel.firstPaintVsBareWebview', `the last e2e run (${run.finishedAt}) has no side-by-side figures (the extension-host suite's panel-paint test did not run)`);
  else
    console.log(
      JSON.stringify({
        name: 'panel.firstPaintVsBareWebview',
        timed: 'open → painted, a bare webview panel (one line of text) and the deployment panel in turns, in the same window (the extension-host suite)',
        runs: pair.rounds,
        bareMedianMs: pair.bareMedianMs,
        panelMedianMs: pair.panelMedianMs,
        ratio: Math.round((pair.panelMedianMs / pair.bareMedianMs) * 100) / 100,
        overMs: pair.panelMedianMs - pair.bareMedianMs,
        bareMs: pair.bareMs,
        panelMs: pair.panelMs,
        source,
        ...verdict(target('first paint (median)', pair.panelMedianMs, '<', TARGET_MS, 'ms')),
      }),
    );
}
