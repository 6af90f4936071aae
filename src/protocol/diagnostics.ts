/**
 * Messages between the extension host and the diagnostics webview. Both sides import these
 * types, so a renamed field fails the type check on both ends.
 */

/** The diagnostics as the panel renders them (a JSON-safe copy of core's Diagnostics). */
export interface DiagnosticsView {
  deployAgentVersion: string;
  host: 'cli' | 'vscode';
  vscodeVersion?: string;
  node: { version: string; napiVersion: string; platform: string; arch: string; release: string };
  git: { version: string | null; error?: string };
  database: { path: string; pathSource: string; pathFrom: string; schemaVersion: number; latestSchemaVersion: number; sqliteVersion: string; movedAside?: string };
  environment: Record<string, string | null>;
  ollama: { host: string; reachable: boolean; version?: string; models?: string[]; error?: string };
  system:
    | { cpuLoadPercent: number; loadAverage: number[]; cpuCores: number; memoryTotalBytes: number; memoryUsedBytes: number; memoryAvailableBytes: number; disk: { mount: string; freeBytes: number; sizeBytes: number } | null }
    | { error: string };
  /** How model-written code (tests, gates, hooks) would run here: the tool found, what is in effect, and what to do when deployments are refused. */
  confinement: { tool: { kind: string; command?: string; version?: string; problem?: string }; inEffect: string; refused?: string };
  configuration: Record<string, { value: unknown; source: string; origin?: string }>;
  ignoredSettings?: { key: string; origin: string; reason: string }[];
  activationMs?: number;
  durationMs: number;
}

export type HostToDiagnostics =
  | { type: 'diagnostics'; data: DiagnosticsView; collectedAt: string }
  | { type: 'error'; message: string; hint?: string };

export type DiagnosticsToHost = { type: 'ready' } | { type: 'refresh' } | { type: 'copyJson' };
