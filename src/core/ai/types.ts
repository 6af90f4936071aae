import type { Recommendation } from '../recommendation/types';

/** The three agent phases; each is its own conversation (see DESIGN.md, "The agent protocol"). */
export type AgentPhase = 'implement' | 'tests' | 'fix';
export const AGENT_PHASES: readonly AgentPhase[] = ['implement', 'tests', 'fix'];

export type ProviderName = 'ollama' | 'anthropic';
export const PROVIDER_NAMES: readonly ProviderName[] = ['ollama', 'anthropic'];

/** A tool offered to the model, described with a JSON Schema for its arguments. */
export interface ToolSpec {
  name: string;
  description: string;
  parameters: { type: 'object'; properties: Record<string, { type: string; description: string }>; required: string[] };
}

/** A tool call as the model made it. `arguments` is undefined when the model's JSON could not be parsed (`raw` keeps it). */
export interface ToolCall {
  id: string;
  name: string;
  arguments: Record<string, unknown> | undefined;
  /** The arguments as received when they were not a JSON object. */
  raw?: string;
}

/** Provider-neutral conversation messages (the system prompt travels separately). */
export type ChatMessage =
  | { role: 'user'; content: string }
  | { role: 'assistant'; content: string; toolCalls?: ToolCall[] }
  | { role: 'tool'; toolCallId: string; name: string; content: string; isError?: boolean };

export interface TokenUsage {
  /** Every input token of the request, cached or not. */
  inputTokens: number;
  outputTokens: number;
  /** Of `inputTokens`: read from the provider's prompt cache (Anthropic `cache_read_input_tokens`, billed at a tenth). */
  cacheReadTokens?: number;
  /** Of `inputTokens`: written to the provider's prompt cache (Anthropic `cache_creation_input_tokens`, billed at 1.25×). */
  cacheWriteTokens?: number;
}

export interface ProviderChatRequest {
  model: string;
  system: string;
  messages: ChatMessage[];
  /** Omitted for models without native tool support (the text fallback is used instead). */
  tools?: ToolSpec[];
  temperature: number;
  maxOutputTokens: number;
  /** Ollama: the context window to allocate for this request (`options.num_ctx`). */
  numCtx?: number;
  /** Ollama: how long the model stays loaded after this request (`keep_alive`, e.g. "30m"). */
  keepAlive?: string;
  signal?: AbortSignal;
  /** Streamed text as it arrives. */
  onText?(delta: string): void;
}

export interface ProviderChatResponse {
  text: string;
  toolCalls: ToolCall[];
  usage: TokenUsage;
  /** end_turn / tool_use / max_tokens / stop / length … as the provider reports it. */
  stopReason: string;
}

/** What a provider knows about one model after checking it. */
export interface ModelInfo {
  provider: ProviderName;
  model: string;
  /** Tokens of context the model supports, when the provider reports it. */
  contextLength: number | undefined;
  supportsTools: boolean;
}

/** A model loaded in memory right now (Ollama `/api/ps`). */
export interface RunningModel {
  model: string;
  /** The context it was loaded with (`context_length`), when the server reports it. */
  contextLength: number | undefined;
}

/** A model backend (Ollama, Anthropic). Errors are `ProviderError`s or `DeployAgentError`s with the fix. */
export interface ModelProvider {
  readonly name: ProviderName;
  /** Checks that the provider is reachable and the model usable; throws a DeployAgentError naming the fix. */
  preflight(model: string, signal?: AbortSignal): Promise<ModelInfo>;
  /** Models available (pulled / offered); throws when unreachable. */
  listModels(signal?: AbortSignal): Promise<string[]>;
  chat(request: ProviderChatRequest): Promise<ProviderChatResponse>;
  /** Local servers: the models loaded now, with their context. */
  running?(signal?: AbortSignal): Promise<RunningModel[]>;
  /** Local servers: loads a model with this context without generating anything (a warm-up). */
  load?(model: string, options: { numCtx: number; keepAlive: string; signal?: AbortSignal }): Promise<void>;
}

/** Reachability of one provider and what each phase would use (`checkProviders`, `deploy-agent ai check`). */
export interface ProviderStatus {
  provider: ProviderName;
  configured: boolean;
  reachable: boolean;
  /** Why not, in a sentence, when not reachable or not configured. */
  reason?: string;
  /** The exact thing to do about it (`ollama serve`, `ollama pull <model>`, set ANTHROPIC_API_KEY). */
  hint?: string;
  version?: string;
  models?: string[];
  phases: Record<AgentPhase, { model: string; ready: boolean; contextLength?: number; supportsTools?: boolean; problem?: string }>;
}

export interface ProvidersCheck {
  /** At least one provider can serve every phase. */
  ok: boolean;
  providers: ProviderStatus[];
}

/** A project-relative code location the analysis ranked for this recommendation. */
export interface RankedIntegrationPoint {
  path: string;
  score?: number;
  reason?: string;
  symbols?: string[];
}

/** What the caller (the pipeline) gives a phase, as data. Every field is optional except the recommendation. */
export interface PhaseContext {
  recommendation: Recommendation;
  /** The project profile (language, frameworks, package manager …) as plain data; rendered as JSON. */
  profile?: Record<string, unknown>;
  integrationPoints?: RankedIntegrationPoint[];
  /** What the user decided about the integration points before the model ran (the panel's preview). */
  userChoice?: { addedFiles?: string[]; excludedIntegrationPoints?: string[] };
  /** A rendered repository map, or the files to build one from (see `renderRepoMap`). It is the first thing shrunk to fit. */
  repoMap?: string | { files: { path: string; size?: number; symbols?: string[] }[] };
  conventions?: string[];
  /** tests / fix: the detected test framework and an example test from the repository. */
  testFramework?: { name: string; command?: string; conventions?: string[]; exampleTest?: { path: string; content: string } };
  /** fix: output of the failing test run. */
  failingOutput?: string;
  /** fix: the known error pattern the failure matched. */
  errorPattern?: { id?: string; name?: string; description: string; suggestion?: string };
  /** fix (and tests): the changes made so far (a diff or a list). */
  changesSoFar?: string | { path: string; summary?: string; diff?: string }[];
  /** Anything else the caller wants the model to know. */
  notes?: string;
}

export type PhaseStatus = 'succeeded' | 'failed' | 'cancelled';

/** Why a phase failed; stable codes the pipeline and the learning area can branch on. */
export type PhaseFailureReason =
  | 'turn_limit'
  | 'token_limit'
  | 'time_limit'
  | 'budget_exhausted'
  | 'malformed_tool_calls'
  | 'edits_not_matching'
  | 'loop_detected'
  | 'no_progress'
  | 'context_too_small'
  | 'provider_unavailable'
  | 'credentials_blocked'
  | 'cancelled';

/** Failures that are the local model's fault in a measurable way: the router escalates to the next provider on these. */
export const ESCALATING_REASONS: readonly PhaseFailureReason[] = ['malformed_tool_calls', 'edits_not_matching', 'context_too_small', 'loop_detected', 'no_progress'];

export interface UsageTotals {
  /** Every input token, cached or not. */
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  /** Of `inputTokens`: read from the provider's prompt cache. */
  cacheReadTokens?: number;
  /** Of `inputTokens`: written to the provider's prompt cache. */
  cacheWriteTokens?: number;
}

export interface EscalationRecord {
  from: { provider: ProviderName; model: string };
  to: { provider: ProviderName; model: string };
  reason: PhaseFailureReason | 'tests_still_failing';
  detail: string;
}

export interface TranscriptEntry {
  /** ms since the phase started */
  at: number;
  provider?: ProviderName;
  model?: string;
  message: ChatMessage;
}

export interface Transcript {
  phase: AgentPhase;
  system: string;
  entries: TranscriptEntry[];
}

/** A finding of the checks on what the model wrote. */
export interface WriteFinding {
  path: string;
  kind: 'syntax' | 'credential' | 'dangerous';
  message: string;
  line?: number;
}

export interface PhaseResult {
  phase: AgentPhase;
  status: PhaseStatus;
  /** The model's finish summary, or why it failed. */
  summary: string;
  /** Set when status is not 'succeeded'. */
  reason?: PhaseFailureReason;
  /** Sandbox-relative paths written (created or changed), in order of first write. */
  filesWritten: string[];
  /** Findings still open at the end (syntax problems, dangerous calls flagged for review). */
  findings: WriteFinding[];
  transcript: Transcript;
  usage: UsageTotals;
  turns: number;
  /** The provider/model that ended the phase. */
  provider: ProviderName | undefined;
  model: string | undefined;
  escalations: EscalationRecord[];
  durationMs: number;
}

export type AgentEvent =
  | { type: 'phase-start'; phase: AgentPhase; provider: ProviderName; model: string }
  | { type: 'model-call'; phase: AgentPhase; provider: ProviderName; model: string; turn: number; usage: TokenUsage; costUsd: number; cached: boolean; durationMs: number }
  /** A local model (re)loaded for this deployment with a new context, or a loaded one adopted; `reason` says why. */
  | { type: 'model-load'; phase: AgentPhase; provider: ProviderName; model: string; numCtx: number; previous?: number; kind: 'load' | 'adopted'; reason: string }
  | { type: 'text'; phase: AgentPhase; delta: string }
  | { type: 'tool-call'; phase: AgentPhase; name: string; path?: string; ok: boolean; error?: string }
  | { type: 'file-written'; phase: AgentPhase; path: string }
  | { type: 'retry'; phase: AgentPhase; provider: ProviderName; attempt: number; delayMs: number; error: string }
  | { type: 'fallback'; phase: AgentPhase; from: ProviderName; to: ProviderName; reason: string }
  | { type: 'escalation'; phase: AgentPhase; record: EscalationRecord }
  | { type: 'finding'; phase: AgentPhase; finding: WriteFinding }
  | { type: 'phase-end'; phase: AgentPhase; status: PhaseStatus; reason?: PhaseFailureReason };

/** Where secrets come from: VS Code SecretStorage in the extension, the environment in the CLI. */
export interface AiSecretSource {
  anthropicApiKey?(): Promise<string | undefined>;
}

/** Input of `runAgentPhase` (src/core/ai/agent-loop.ts). */
export interface RunAgentPhaseInput {
  phase: AgentPhase;
  /** The folder the model may read and write (the deployment's git worktree). */
  sandboxDir: string;
  context: PhaseContext;
  /** From `createModelRouter`; one per deployment (it carries the circuit breakers and accounting). */
  router: import('./router').ModelRouter;
  /** One per deployment, shared by its phases (`budgetFromConfig(config)`). */
  budget: import('./budget').DeploymentBudget;
  deploymentId?: string;
  signal?: AbortSignal;
  onEvent?(event: AgentEvent): void;
  /** Start with this provider (e.g. the pipeline escalating `fix` after the repair rounds failed locally). */
  preferProvider?: ProviderName;
  /** Skip these providers. */
  excludeProviders?: ProviderName[];
  /**
   * The pipeline escalating a phase itself, e.g. `fix` after the repair rounds on the local model
   * left the tests failing: `from` is skipped, the next provider serves the phase, and the
   * escalation is recorded (decisions table, `result.escalations`, the success window).
   */
  escalate?: { from: { provider: ProviderName; model: string }; reason: 'tests_still_failing'; detail: string };
}
