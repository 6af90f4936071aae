/**
 * Messages between the extension host and the deployment panel (webview-ui/panel). Both sides
 * import these types, so a renamed field fails the type check on both ends. Every value is a
 * JSON-safe copy of what core computed; the panel computes nothing of its own but the layout.
 */

/** The webview panel's type: the serializer that restores it after a window reload is registered for it. */
export const PANEL_VIEW_TYPE = 'deployAgent.deployment';

// ---------------------------------------------------------------- shared pieces

/** Something that went wrong, with what to do about it: a message, a hint, and buttons that do it. */
export interface ProblemView {
  code: string;
  message: string;
  hint: string;
  /** Buttons, most useful first. */
  actions: PanelAction[];
}

export type PanelActionId =
  | 'checkProviders'
  | 'openSettings'
  | 'setAnthropicKey'
  | 'manageTrust'
  | 'deployAnyway'
  | 'openDeployment'
  | 'signInGitHub'
  | 'showOutput'
  | 'openFolder'
  | 'openReport'
  | 'retry'
  /** Git: Add Remote… for the repository (argument: its folder). */
  | 'addRemote'
  /** Git: Initialize Repository for the workspace folder. */
  | 'initRepository'
  /** Rolls a release target back to its previous release (argument: the target's name; VS Code asks first). */
  | 'rollBackTarget'
  /** Releases the workspace to a target again (argument: the target's name). */
  | 'releaseTarget';

export interface PanelAction {
  id: PanelActionId;
  label: string;
  /** openSettings: the settings search; openDeployment / openReport: the deployment. */
  argument?: string;
}

export interface TestCountsView {
  passed: number;
  failed: number;
  skipped: number;
}

// ---------------------------------------------------------------- recommendations

export interface LastDeploymentView {
  id: string;
  status: string;
  mode: string | null;
  /** ms since epoch */
  at: number;
  prUrl: string | null;
}

export interface RecommendationItem {
  /** Absolute path: the key the panel sends back. */
  file: string;
  relativePath: string;
  title?: string;
  description?: string;
  category?: string;
  priority?: string;
  /** The recommendation's own id, when it has one (a built-in's is `deployment-config/<kind>`). */
  id?: string;
  /** Set when the file cannot be deployed: the schema's problems, or why it could not be read. */
  problem?: { message: string; hint: string; problems: string[] };
  last?: LastDeploymentView;
}

export interface RecommendationsView {
  /** null: no folder is open (the panel says to open one). */
  workspace: { name: string; dir: string } | null;
  items: RecommendationItem[];
  /** The file to select (the active editor's recommendation, or the one just saved). */
  preselect?: string;
  /** The schema's categories, in its order (the form's choices). */
  categories: string[];
  /** The schema's priorities, lowest first (the form's choices). */
  priorities: string[];
  /** Deployments waiting for review in this workspace (reopen them from here). */
  awaitingReview: { id: string; title: string; at: number }[];
  /** What stops every deployment here before it starts (the folder is no git repository), said above the list. */
  problem?: ProblemView;
}

/**
 * A built-in deployment-configuration recommendation the workspace misses ([configgen]): offered
 * below the list when the project profile shows the file missing; "Add & deploy" saves it as a
 * recommendation file of the workspace and previews it like any other.
 */
export interface MissingConfigItem {
  /** `deployment-config/<kind>`: what the panel sends back. */
  id: string;
  kind: string;
  title: string;
  description: string;
  /** What the profile shows missing. */
  why: string;
  /** The files it would add. */
  files: string[];
  /** A template fits (else the model writes the files from scratch). */
  templated: boolean;
  /** What the profile could not tell (the model must find it out). */
  unknowns: string[];
}

/** A release of the history as the panel lists it. */
export interface ReleaseListItem {
  id: string;
  title: string;
  target: string;
  status: string;
  mode: 'release' | 'rollback';
  /** ms since epoch */
  at: number;
}

/** The workspace's release targets ([release]) and its latest releases, listed with the recommendations. */
export interface ReleasesView {
  targets: { name: string; type: 'ssh' | 'local'; environment: string; hosts: string[]; path: string; last?: ReleaseListItem }[];
  recent: ReleaseListItem[];
  /** The targets could not be read (an invalid .deploy-agent/config.json …): said instead of the list. */
  problem?: string;
}

/** The form's draft, as typed (acceptance criteria one per entry; empty fields left out by the host). */
export interface RecommendationDraft {
  title: string;
  description: string;
  category: string;
  /** '' when not given (the schema's priorities otherwise). */
  priority?: string;
  acceptanceCriteria: string[];
  targetFiles: string[];
}

export interface FieldProblem {
  /** `title`, `description`, `acceptanceCriteria[1]` … ('' for the whole recommendation). */
  field: string;
  message: string;
}

// ---------------------------------------------------------------- before the model runs

export interface StrategyPreviewView {
  requested: string;
  chosen: string;
  /** How it was decided: requested, override, cold-start-rules, model … */
  basis: string;
  /** Predicted P(success) per strategy, best first (empty when no model decided). */
  predictions: { strategy: string; probability: number }[];
  successBar: number;
  reasons: string[];
  levers: { repairRounds: number; testScope: string; draftPr: boolean; timeLimitMs: number; typecheckGate: boolean; lintGate: boolean };
  samples: number;
  blocked?: string;
}

export interface IntegrationPointView {
  path: string;
  symbols: string[];
  score?: number;
  why: string;
  /** Added by the user in the panel (not ranked by the analysis). */
  added?: boolean;
}

export interface PreviewView {
  file: string;
  title: string;
  /** No model provider can serve the deployment right now: said before Deploy, with what to do. */
  modelProblem?: ProblemView;
  description: string;
  acceptanceCriteria: string[];
  strategy: StrategyPreviewView;
  /** `applied: false`: shown but not counted (a branch name on a developer machine), why in `note`. */
  environment: { name: string; confidence: number; evidence: { source: string; value: string; suggests: string; applied?: boolean; note?: string }[] };
  integrationPoints: IntegrationPointView[];
  suggestedLocations?: { code: string; tests: string; reason: string; existing?: boolean };
  warnings: string[];
  dataGaps: string[];
  durationMs: number;
}

/** What the user decided in the preview; it goes into the prompts. */
export interface DeploymentChoiceView {
  excludedIntegrationPoints: string[];
  addedFiles: string[];
}

// ---------------------------------------------------------------- a live deployment

/**
 * A deployment's events as the panel reduces them into its timeline (a copy of core's pipeline
 * events; the host checks that every core event fits this type). Step names are strings so the
 * panel shows steps it does not know yet.
 */
type Base = { deploymentId: string; ts: number };
export type LiveEvent =
  | (Base & { type: 'deployment.started'; mode: string; resumed: boolean; fromStep: string })
  | (Base & { type: 'step.started'; step: string })
  | (Base & { type: 'step.progress'; step: string; message: string; fraction?: number })
  | (Base & { type: 'step.finished'; step: string; status: 'succeeded' | 'failed' | 'skipped' | 'cancelled'; durationMs: number; summary?: string; attention?: string; error?: { code: string; message: string; hint: string } })
  | (Base & { type: 'log'; level: 'debug' | 'info' | 'warn' | 'error'; message: string; step?: string })
  | (Base & { type: 'model.output'; phase: string; text: string })
  | (Base & { type: 'agent.tool'; phase: string; name: string; path?: string; ok: boolean; error?: string })
  | (Base & { type: 'agent.call'; phase: string; provider: string; model: string; inputTokens: number; outputTokens: number; costUsd: number; cached: boolean; durationMs: number })
  | (Base & { type: 'repair.round'; round: number; limit: number; escalation: boolean; failingOutput: string; pattern?: { id: string; category?: string; explanation: string } })
  | (Base & { type: 'test.result'; round: number; counts: TestCountsView; durationMs: number; failures: { name: string; message: string }[]; command?: string })
  | (Base & { type: 'deployment.finished'; status: string; goalReached: boolean; durationMs: number; error?: { code: string; message: string; hint: string } })
  // A release's own events (core's ReleaseOnlyEvent): its plan and strategy, each host's part of a step, each recovery.
  | (Base & { type: 'release.plan'; mode: 'release' | 'rollback'; release: string; ref: string; commit: string; strategy: string; batchSize: number; watchMinutes: number; reasons: string[]; batches: string[][]; steps: { name: string; title: string }[] })
  | (Base & { type: 'release.host'; step: string; host: string; status: 'running' | 'succeeded' | 'failed' | 'cancelled'; durationMs?: number; error?: { code: string; message: string; hint: string } })
  | (Base & { type: 'release.recovery'; host: string; step: string; patternId: string | null; action: string; worked: boolean; recoveredMs: number | null; detail?: string });

/** What the panel shows of a release's target at the top of its view (a deployment of kind `release`). */
export interface ReleaseHeaderView {
  target: string;
  type: 'ssh' | 'local';
  environment: string;
  hosts: string[];
  /** The target's folder on its hosts. */
  path: string;
  mode: 'release' | 'rollback';
  /** No later release or rollback of this target exists (its Roll Back acts on what this release left). */
  latest: boolean;
  /** The release's report (Markdown), once written. */
  report?: string;
}

export interface DeploymentHeader {
  id: string;
  title: string;
  file?: string;
  mode: string;
  status: string;
  /** The step titles of this deployment's plan, in order (core's names and titles). */
  plan: { name: string; title: string }[];
  createdAt: number;
  /** The choice the user made before it ran. */
  choice?: DeploymentChoiceView;
  /** Set for a release of the application to a target (its steps run per host). */
  release?: ReleaseHeaderView;
}

// ---------------------------------------------------------------- review and ship

export interface ChangedFileView {
  path: string;
  status: 'added' | 'modified' | 'deleted' | 'renamed';
  insertions: number;
  deletions: number;
  /** A test file the model wrote. */
  test: boolean;
}

export interface TestCaseView {
  name: string;
  status: 'passed' | 'failed' | 'skipped';
  message?: string;
  /** 1-based line of the test in its file, when known. */
  line?: number;
}

export interface TestFileView {
  path: string;
  /** Written by the model in this deployment. */
  generated: boolean;
  passed: number;
  failed: number;
  skipped: number;
  /** The tests by name (empty when the runner reported counts only). */
  cases: TestCaseView[];
}

export interface GateView {
  gate: string;
  ok: boolean;
  skipped?: string;
  command: string | null;
  problems: string[];
}

export interface RequirementView {
  requirement: string;
  /** Its tag in test names (`AC1`). */
  tag: string;
  files: string[];
  /** The tests that ran and name it by its tag. */
  tests: string[];
  /** `passing` only when a test naming it ran and passed; `not covered` when tests ran but none names it. */
  result: 'passing' | 'failing' | 'not covered' | 'not run';
}

export interface ReviewView {
  deploymentId: string;
  title: string;
  status: string;
  branch: string | null;
  worktree: string | null;
  files: ChangedFileView[];
  tests: TestFileView[];
  counts: TestCountsView;
  testCommand?: string;
  testDurationMs?: number;
  /** When the tests last ran (the first run, or "Run tests again"). */
  testedAt?: number;
  requirements: RequirementView[];
  gates: GateView[];
  /** Shipping so far: the commit, then the pull request. */
  commit?: { sha: string; branch: string };
  pullRequest?: { url: string; number: number; draft: boolean };
  /** The sandbox was edited since its tests last ran (a ship checks it again first). */
  changedSinceTests: boolean;
  /** What the last "Run tests again" found wrong, one sentence each. */
  checkProblems?: string[];
}

export type ShipAction = 'commit' | 'pull-request' | 'discard' | 'retest';

// ---------------------------------------------------------------- messages

export type HostToPanel =
  /** `show`: the user asked for the list (Deploy Recommendation), so the panel goes to it from a deployment or a preview it showed. */
  | { type: 'recommendations'; data: RecommendationsView; show?: boolean }
  /** The built-in deployment configuration the workspace misses (sent after the list: the profile takes longer to read). */
  | { type: 'missingConfig'; items: MissingConfigItem[] }
  /** The release targets and the latest releases (sent after the list). */
  | { type: 'releases'; data: ReleasesView }
  | { type: 'draftProblems'; problems: FieldProblem[] }
  | { type: 'saved'; file: string; relativePath: string }
  | { type: 'preview'; data: PreviewView }
  | { type: 'previewing'; file: string; message: string }
  /** A deployment shown from its start (or reopened): its header and every event so far. */
  | { type: 'deployment'; header: DeploymentHeader; events: LiveEvent[]; live: boolean }
  | { type: 'event'; event: LiveEvent }
  | { type: 'review'; data: ReviewView }
  /** A ship action runs (`action`), ended, or was refused (`problem`); the local branch is kept on a refusal. */
  | { type: 'shipping'; action: ShipAction; running: boolean; problem?: ProblemView; message?: string }
  | { type: 'discarded'; deploymentId: string }
  /** Something the panel must show in place of what it asked for, with its buttons. */
  | { type: 'problem'; problem: ProblemView; context: 'recommendations' | 'preview' | 'deploy' | 'review' }
  /** Asks for the reason of a "Deploy anyway" (an open circuit breaker). */
  | { type: 'askReason'; file: string; message: string };

export type PanelToHost =
  /** The panel loaded (first time, after being hidden, or after a window reload with the state it kept). */
  | { type: 'ready'; state?: PanelState }
  | { type: 'refresh' }
  | { type: 'openFile'; file: string; line?: number }
  /** "Deploy a file…": a recommendation file anywhere, picked in a file dialog. */
  | { type: 'chooseFile' }
  | { type: 'validateDraft'; draft: RecommendationDraft }
  | { type: 'saveDraft'; draft: RecommendationDraft }
  /** "Add & deploy…" on a missing deployment configuration: save the built-in recommendation `id`, then preview it. */
  | { type: 'addBuiltin'; id: string }
  | { type: 'preview'; file: string }
  | { type: 'deploy'; file: string; choice: DeploymentChoiceView; forceReason?: string }
  | { type: 'cancel'; deploymentId: string }
  | { type: 'openDiff'; deploymentId: string; path: string }
  | { type: 'openTest'; deploymentId: string; path: string; line?: number }
  | { type: 'ship'; deploymentId: string; action: ShipAction }
  | { type: 'action'; action: PanelAction; file?: string }
  | { type: 'openExternal'; url: string }
  | { type: 'back' }
  /** The panel's first paint of the recommendations list (the e2e run measures from the command to it). */
  | { type: 'painted'; what: 'recommendations'; items: number; webview: { scriptStartMs: number; paintedMs: number; /** The document's start, in ms since the epoch (performance.timeOrigin). */ timeOrigin: number } };

/** What the panel keeps with getState/setState (and the serializer gets back after a reload). */
export interface PanelState {
  view: 'recommendations' | 'form' | 'preview' | 'deployment';
  selectedFile?: string;
  deploymentId?: string;
  draft?: RecommendationDraft;
  choice?: DeploymentChoiceView;
  /** Whether the model output is expanded (collapsed by default). */
  outputOpen?: boolean;
}
