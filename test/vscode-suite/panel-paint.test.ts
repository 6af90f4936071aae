// The deployment panel's first paint beside VS Code's own floor for a webview panel, in one run:
// a bare panel (a few bytes of HTML whose script reports its first frame) and the deployment
// panel (the command's path, the services loaded), opened in turns. Both are timed the same way:
// from the call that opens them to the host receiving "painted" (the webview posts it after the
// frame that shows its content). The figures go to the suite's results (bench/panel-paint.bench.ts
// prints them); the test asserts only that both were measured and that the panel painted its list.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import type { DeployAgentApi } from '../../src/extension/main';
import { RECOMMENDATION } from '../integration/pipeline/harness';
import { createFixtureRepo } from '../integration/pipeline/repos';
import { extras } from './results';

const ROUNDS = 5;

/** One first paint: ms from the call to "painted", when the document started (ms after the call), its script (ms of the document). */
interface Paint {
  paintMs: number;
  documentStartMs: number;
  scriptMs: number;
}

/** A bare webview panel: opened, painted (its own report), closed; ms from the call to "painted", and when its document started. */
async function bareWebviewPaint(): Promise<Paint> {
  const nonce = randomBytes(16).toString('base64');
  const openedAt = performance.now();
  const panel = vscode.window.createWebviewPanel('deployAgentTest.bare', 'Bare', vscode.ViewColumn.Active, { enableScripts: true });
  try {
    const painted = new Promise<{ timeOrigin: number; scriptMs: number }>((resolve) => panel.webview.onDidReceiveMessage((m: { timeOrigin: number; scriptMs: number }) => resolve(m)));
    panel.webview.html = `<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'nonce-${nonce}'"></head>
<body><main><p>One line of text.</p></main>
<script nonce="${nonce}">const scriptMs = performance.now(); const api = acquireVsCodeApi(); requestAnimationFrame(() => setTimeout(() => api.postMessage({ timeOrigin: performance.timeOrigin, scriptMs }), 0));</script></body></html>`;
    const { timeOrigin, scriptMs } = await painted;
    return { paintMs: performance.now() - openedAt, documentStartMs: timeOrigin - (performance.timeOrigin + openedAt), scriptMs };
  } finally {
    panel.dispose();
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

describe('the deployment panel’s first paint beside a bare webview panel (VS Code’s floor)', () => {
  let api: DeployAgentApi;
  let tmp: string;
  let repoDir: string;

  before(async function () {
    this.timeout(60000);
    api = await vscode.extensions.getExtension<DeployAgentApi>('deploy-agent.deploy-agent')!.activate();
    api.services();
    tmp = mkdtempSync(path.join(os.tmpdir(), 'deploy-agent-vscode-paint-'));
    repoDir = createFixtureRepo(tmp, 'node').dir;
    mkdirSync(path.join(repoDir, '.deploy-agent', 'recommendations'), { recursive: true });
    writeFileSync(path.join(repoDir, '.deploy-agent', 'recommendations', 'add-mul.json'), JSON.stringify(RECOMMENDATION, null, 2));
  });

  after(() => {
    api.services().panel().current()?.dispose();
    rmSync(tmp, { recursive: true, force: true });
  });

  it(`opens each ${ROUNDS} times in turns and records both first paints`, async function () {
    this.timeout(180000);
    const bare: Paint[] = [];
    const ours: Paint[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      bare.push(await bareWebviewPaint());
      api.services().panel().current()?.dispose();
      const panel = api.services().panel().open({ workspaceDir: repoDir, commandAt: performance.now() });
      for (let waited = 0; panel.firstPaintMs === undefined && waited < 30000; waited += 10) await new Promise((resolve) => setTimeout(resolve, 10));
      assert.ok(panel.firstPaintMs !== undefined, 'the panel reported no first paint of its list within 30 s');
      ours.push({ paintMs: panel.firstPaintMs, documentStartMs: panel.firstPaintParts?.documentStartMs ?? NaN, scriptMs: panel.firstPaintParts?.scriptStartMs ?? NaN });
      panel.dispose();
    }
    extras.panelPaint = {
      rounds: ROUNDS,
      bareMs: bare.map((b) => Math.round(b.paintMs)),
      panelMs: ours.map((o) => Math.round(o.paintMs)),
      bareDocumentStartMs: bare.map((b) => Math.round(b.documentStartMs)),
      panelDocumentStartMs: ours.map((o) => Math.round(o.documentStartMs)),
      bareScriptMs: bare.map((b) => Math.round(b.scriptMs)),
      panelScriptMs: ours.map((o) => Math.round(o.scriptMs)),
      bareMedianMs: Math.round(median(bare.map((b) => b.paintMs))),
      panelMedianMs: Math.round(median(ours.map((o) => o.paintMs))),
    };
    console.log(`    first paint, median of ${ROUNDS}: bare webview panel ${Math.round(median(bare.map((b) => b.paintMs)))} ms, deployment panel ${Math.round(median(ours.map((o) => o.paintMs)))} ms`);
  });
});
