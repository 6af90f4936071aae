// What VS Code shows when a deployment ends: one message (what happened, then what to do) and the
// buttons that do it. Pure (no `vscode` import), so any front end — this notification, the
// deployment panel — can use it and it is tested in plain Node.
import type { EventError } from '../core/deployment/events';
import { outcomeMessage } from '../core/pipeline/outcome-message';
import { plural } from '../core/plural';

export type NoticeAction =
  | { title: 'Open Settings'; command: 'workbench.action.openSettings'; args: [string] }
  | { title: 'Set Anthropic API Key'; command: 'deployAgent.setAnthropicApiKey' }
  | { title: 'Check Model Providers'; command: 'deployAgent.checkModelProviders' }
  /** The circuit breaker refused: ask for the reason and deploy again with it (recorded like `--force --reason`). */
  | { title: 'Deploy anyway…'; deployAnyway: true }
  | { title: 'Open Report'; report: string }
  | { title: 'Open Pull Request'; url: string };

export interface Notice {
  severity: 'info' | 'warning' | 'error';
  message: string;
  actions: NoticeAction[];
}

const MODEL_CODES = new Set(['NO_MODEL_AVAILABLE', 'OLLAMA_UNREACHABLE', 'OLLAMA_MODEL_MISSING', 'ANTHROPIC_MODEL_UNKNOWN', 'MODEL_UNAVAILABLE', 'MODEL_NETWORK', 'MODEL_NOT_FOUND', 'MODEL_RATE_LIMITED']);
const KEY_CODES = new Set(['ANTHROPIC_KEY_MISSING', 'MODEL_AUTH']);
/** Failures a setting answers, and which one. */
const SETTING_FOR: Record<string, string> = {
  CIRCUIT_OPEN: 'deployAgent.pipeline.circuitBreaker',
  CONFIG_INVALID: 'deployAgent',
  QUALITY_GATE_FAILED: 'deployAgent.strategy.levers',
  COVERAGE_BELOW_THRESHOLD: 'deployAgent.pipeline.coverageThreshold',
  COVERAGE_NOT_MEASURED: 'deployAgent.pipeline.coverageThreshold',
  DB_LOCKED: 'deployAgent.history',
  UNCONFINED_TESTS_REFUSED: 'deployAgent.pipeline.allowUnconfinedTests',
};

export function deploymentNotice(outcome: { id: string; status: string; goalReached: boolean; goal: string; error: EventError | null; report?: { markdown?: string } | null; prUrl?: string | null; tests: { passed: number; failed: number }; repairs: number; branch?: string | null }): Notice {
  const actions: NoticeAction[] = [];
  const code = outcome.error?.code ?? '';
  const text = `${outcome.error?.message ?? ''} ${outcome.error?.hint ?? ''}`;
  if (code === 'CIRCUIT_OPEN') actions.push({ title: 'Deploy anyway…', deployAnyway: true });
  if (KEY_CODES.has(code)) actions.push({ title: 'Set Anthropic API Key', command: 'deployAgent.setAnthropicApiKey' });
  if (MODEL_CODES.has(code) || (code === 'AGENT_PHASE_FAILED' && /provider|reachable|Ollama|Anthropic/i.test(text))) {
    actions.push({ title: 'Check Model Providers', command: 'deployAgent.checkModelProviders' });
    if (/No Anthropic API key/i.test(text)) actions.push({ title: 'Set Anthropic API Key', command: 'deployAgent.setAnthropicApiKey' });
  }
  const setting = SETTING_FOR[code] ?? (code.startsWith('CONFIG_') ? 'deployAgent' : undefined);
  if (setting) actions.push({ title: 'Open Settings', command: 'workbench.action.openSettings', args: [setting] });
  if (outcome.report?.markdown) actions.push({ title: 'Open Report', report: outcome.report.markdown });
  if (outcome.prUrl) actions.push({ title: 'Open Pull Request', url: outcome.prUrl });

  if (outcome.goalReached) {
    const tests = `${outcome.tests.passed} passed, ${outcome.tests.failed} failed`;
    return { severity: 'info', message: `Deployment ${outcome.id} ${outcome.status}: ${tests}, ${plural(outcome.repairs, 'repair round')}${outcome.branch ? `, branch ${outcome.branch}` : ''}.`, actions };
  }
  const { headline, hint } = outcomeMessage(outcome);
  const severity = outcome.status === 'cancelled' || outcome.status === 'refused' || outcome.status === 'setup-failed' ? 'warning' : 'error';
  // The "what to do" belongs in the notification itself, not only in the output channel.
  return { severity, message: hint && outcome.status !== 'cancelled' ? `${headline} ${hint}` : headline, actions: actions.slice(0, 3) };
}
