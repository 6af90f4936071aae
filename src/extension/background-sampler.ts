// The background metrics sampler of the open repository: warmed up once, sampling at the
// configured interval on an unref'd timer, stopped with the extension. Its newest reading (CPU
// trend, model and git-remote latency) goes into the strategy decision of a deployment.
import type * as vscode from 'vscode';
import { resolveConfig } from '../core/config/resolve';
import { gitRemoteUrl, MetricsSampler, modelEndpointUrl } from '../core/strategy/metrics-sampler';
import type { MetricsReading } from '../core/strategy/types';
import { explicitEditorSettings } from './editor-settings';

export interface BackgroundSampler {
  repoPath: string;
  /** Undefined until the first sample (or when the sampler could not start). */
  latest(): MetricsReading | undefined;
}

export function startBackgroundSampler(context: vscode.ExtensionContext, output: vscode.LogOutputChannel, repoPath: string | undefined): BackgroundSampler | undefined {
  if (!repoPath) return undefined;
  let instance: MetricsSampler | undefined;
  let disposed = false;
  context.subscriptions.push({ dispose: () => ((disposed = true), instance?.stop()) });
  void (async () => {
    try {
      const config = resolveConfig({ workspaceDir: repoPath, editor: explicitEditorSettings() });
      // The remote is looked up once, off the command's path.
      const remote = await gitRemoteUrl(repoPath);
      if (disposed) return;
      instance = new MetricsSampler({ repoPath, intervalMs: config.get<number>('strategy.metricsIntervalMs'), modelUrl: modelEndpointUrl(config), gitRemoteUrl: remote });
      await instance.start();
    } catch (error) {
      output.warn(`The background metrics sampler did not start: ${error instanceof Error ? error.message : String(error)}`);
    }
  })();
  return { repoPath, latest: () => instance?.latest() };
}
