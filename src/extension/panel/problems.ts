// What the panel shows when something is refused: core's message, a hint worded for VS Code when
// core's speaks of CLI flags, and the buttons that do what the hint says. Never a silent stop.
import { isDeployAgentError } from '../../core/errors';
import type { PanelAction, ProblemView } from '../../protocol/panel';

interface ErrorLike {
  code: string;
  message: string;
  hint: string;
  details?: Record<string, unknown>;
}

const CHECK_PROVIDERS: PanelAction = { id: 'checkProviders', label: 'Check Model Providers' };
const SHOW_LOG: PanelAction = { id: 'showOutput', label: 'Show the log' };
const SIGN_IN: PanelAction = { id: 'signInGitHub', label: 'Sign in to GitHub' };

/** Actions and VS Code wording per error code; anything else keeps core's hint and offers the log. */
function forCode(error: ErrorLike): { hint?: string; actions: PanelAction[] } {
  switch (error.code) {
    case 'NO_MODEL_AVAILABLE':
      return {
        hint: noModelHint(error),
        actions: [CHECK_PROVIDERS, { id: 'openSettings', label: 'Open settings', argument: 'deployAgent.ollama' }, { id: 'setAnthropicKey', label: 'Set Anthropic API Key' }],
      };
    case 'CIRCUIT_OPEN':
      return {
        hint: `Recent deployments of this repository failed too often, so the breaker stops new ones for a while${error.details?.reopensAt ? ` (it lets the next one through at ${new Date(String(error.details.reopensAt)).toLocaleString()})` : ''}. Deploy anyway with a reason (it is recorded), or change the thresholds.`,
        actions: [{ id: 'deployAnyway', label: 'Deploy anyway…' }, { id: 'openSettings', label: 'Open settings', argument: 'deployAgent.pipeline.circuitBreaker' }],
      };
    case 'REPOSITORY_BUSY': {
      const holder = (error.details?.holder ?? {}) as { deploymentId?: string };
      return {
        hint: 'One deployment runs on a repository at a time. Wait for it to end, or open it to follow or cancel it.',
        actions: holder.deploymentId ? [{ id: 'openDeployment', label: 'Open the running deployment', argument: holder.deploymentId }, { id: 'retry', label: 'Try again' }] : [{ id: 'retry', label: 'Try again' }],
      };
    }
    case 'UNTRUSTED_WORKSPACE':
      return { actions: [{ id: 'manageTrust', label: 'Manage Workspace Trust' }] };
    case 'NO_FOLDER':
      return { actions: [{ id: 'openFolder', label: 'Open Folder…' }] };
    case 'GITHUB_TOKEN_MISSING':
    case 'GITHUB_SIGN_IN_REQUIRED':
      return { hint: 'Sign in to GitHub in VS Code (or start VS Code with GITHUB_TOKEN or GH_TOKEN set), then push again. The commit stays on its local branch.', actions: [SIGN_IN] };
    case 'GITHUB_UNAUTHORIZED':
      return { hint: 'GitHub refused the token. Sign in to GitHub again (or fix GITHUB_TOKEN), then push again; the commit stays on its local branch.', actions: [SIGN_IN] };
    case 'NO_REMOTE':
      return {
        hint: 'A pull request needs the branch pushed to GitHub, and this repository has no remote. Add one that points at GitHub (Git: Add Remote…), then push again; the commit stays on its local branch.',
        actions: [{ id: 'addRemote', label: 'Add Remote…', ...(typeof error.details?.repoRoot === 'string' ? { argument: error.details.repoRoot } : {}) }, SHOW_LOG],
      };
    case 'NOT_A_GIT_REPO':
      return {
        hint: 'Deploy Agent tests a change in a git worktree and commits it on a branch, so the folder must be a git repository with its files committed. Initialize one (Source Control: Initialize Repository), commit your files, then deploy again.',
        actions: [{ id: 'initRepository', label: 'Initialize Repository' }, SHOW_LOG],
      };
    case 'PUSH_FAILED':
    case 'PULL_REQUEST_FAILED':
    case 'GITHUB_REPOSITORY_UNKNOWN':
    case 'BRANCH_EXISTS':
      return { actions: [SHOW_LOG] };
    case 'RESOURCES_CRITICAL':
      return { actions: [{ id: 'retry', label: 'Try again' }, SHOW_LOG] };
    default:
      return { actions: [SHOW_LOG] };
  }
}

/** No model: what to do in VS Code (not the CLI's environment variables), pulling the model included. */
function noModelHint(error: ErrorLike): string {
  const providers = (error.details?.providers ?? []) as { provider?: string; phases?: Record<string, { model?: string }> }[];
  const model = providers.find((p) => p.provider === 'ollama')?.phases?.implement?.model;
  return `Start Ollama (\`ollama serve\`) and pull the model (\`ollama pull ${model ?? 'qwen2.5-coder:7b'}\`), or point the setting deployAgent.ollama.host at a running Ollama; or use Claude: "Set Anthropic API Key". "Check Model Providers" shows what each provider lacks.`;
}

/** The preview's notice when no provider can serve a deployment (the same wording and buttons as the refusal at Deploy). */
export function noModelProblem(providers: readonly { provider: string; reason?: string; phases?: Record<string, { model?: string; problem?: string }> }[]): ProblemView {
  const why = providers.map((p) => `${p.provider}: ${p.reason ?? Object.values(p.phases ?? {}).find((ph) => ph.problem)?.problem ?? 'not ready'}`.replace(/\.$/, '')).join('; ');
  return problemOf({ code: 'NO_MODEL_AVAILABLE', message: `No model provider is ready, so Deploy would stop at its safety pre-checks (${why}).`, hint: '', details: { providers } });
}

/** Any thrown value as a problem with actions (a non-Deploy-Agent error keeps its message and offers the log). */
export function problemOf(error: unknown): ProblemView {
  const e: ErrorLike = isDeployAgentError(error)
    ? { code: error.code, message: error.message, hint: error.hint, ...(error.details ? { details: error.details } : {}) }
    : isErrorLike(error)
      ? error
      : { code: 'UNEXPECTED', message: error instanceof Error ? error.message : String(error), hint: 'See the "Deploy Agent" output for details, and report it if it happens again.' };
  const mapped = forCode(e);
  return { code: e.code, message: e.message, hint: mapped.hint ?? e.hint, actions: mapped.actions };
}

function isErrorLike(value: unknown): value is ErrorLike {
  return typeof value === 'object' && value !== null && typeof (value as ErrorLike).code === 'string' && typeof (value as ErrorLike).message === 'string';
}
