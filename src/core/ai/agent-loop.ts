import { DeployAgentError, isDeployAgentError } from '../errors';
import { isCancellation } from '../recovery/retry';
import { fitContext, phaseNeed, RESERVED_TOKENS, toolsTokens, type ContextWindow } from './context-fit';
import { k } from './ollama-context';
import { buildPhasePrompt, type PhasePrompt } from './prompts';
import { isProviderError } from './providers/errors';
import type { Candidate, ModelRouter } from './router';
import { parseTextActions } from './text-fallback';
import { AGENT_TOOLS, ToolRunner } from './tools/tools';
import { ESCALATING_REASONS } from './types';
import type { PhaseLimits } from './limits';
import type {
  AgentEvent,
  ChatMessage,
  EscalationRecord,
  ModelInfo,
  PhaseFailureReason,
  PhaseResult,
  RunAgentPhaseInput,
  ToolCall,
  Transcript,
  UsageTotals,
  WriteFinding,
} from './types';

type ConversationEnd =
  | { kind: 'finished'; summary: string }
  | { kind: 'failed'; reason: PhaseFailureReason; detail: string }
  | { kind: 'provider-failed'; error: unknown };

const LOOP_REPEATS = 3;

/**
 * Runs one agent phase (`implement`, `tests` or `fix`) in the sandbox: picks a provider
 * through the router, converses with tools until the model calls `finish` or a bound is hit,
 * falls back to the next provider when one fails after its retries, escalates to it when the
 * model fails measurably, records the transcript and the outcome. Never throws for model
 * failures or cancellation: the result's `status` and `reason` say what happened.
 */
export async function runAgentPhase(input: RunAgentPhaseInput & { limits?: Partial<PhaseLimits> }): Promise<PhaseResult> {
  const { phase, router, budget } = input;
  const limits: PhaseLimits = { ...router.phaseLimits(), ...input.limits };
  const started = Date.now();
  const emit = (event: AgentEvent) => input.onEvent?.(event);
  const phaseTimer = new AbortController();
  const timer = setTimeout(() => phaseTimer.abort(), limits.timeLimitMs);
  const signal = input.signal ? AbortSignal.any([input.signal, phaseTimer.signal]) : phaseTimer.signal;

  let tools: ToolRunner;
  try {
    tools = new ToolRunner(input.sandboxDir, { maxWriteBytes: limits.maxWriteBytes });
  } catch (error) {
    clearTimeout(timer);
    throw new DeployAgentError('SANDBOX_MISSING', `The sandbox folder ${input.sandboxDir} does not exist or cannot be read.`, 'Create the deployment sandbox (git worktree) before running an agent phase.', { cause: error });
  }
  const filesWritten: string[] = [];
  const findings = new Map<string, WriteFinding[]>();
  const transcript: Transcript = { phase, system: '', entries: [] };
  const usage: UsageTotals = { inputTokens: 0, outputTokens: 0, costUsd: 0 };
  const escalations: EscalationRecord[] = [];
  let turns = 0;
  let current: Candidate | undefined;

  const finish = (status: PhaseResult['status'], summary: string, reason?: PhaseFailureReason): PhaseResult => {
    clearTimeout(timer);
    const result: PhaseResult = {
      phase,
      status,
      summary: router.redact(summary),
      ...(reason ? { reason } : {}),
      filesWritten,
      findings: [...findings.values()].flat(),
      transcript,
      usage,
      turns,
      provider: current?.provider,
      model: current?.model,
      escalations,
      durationMs: Date.now() - started,
    };
    router.saveTranscript({ deploymentId: input.deploymentId, transcript, provider: current?.provider, model: current?.model, status, reason });
    // The success window judges models, not outages or cancellations.
    if (current && reason !== 'cancelled' && reason !== 'provider_unavailable') router.recordOutcome({ deploymentId: input.deploymentId, phase, provider: current.provider, model: current.model, success: status === 'succeeded', reason });
    emit({ type: 'phase-end', phase, status, ...(reason ? { reason } : {}) });
    return result;
  };
  const stopReason = (): PhaseFailureReason => (input.signal?.aborted ? 'cancelled' : 'time_limit');
  const stopped = (): PhaseResult =>
    stopReason() === 'cancelled' ? finish('cancelled', 'Cancelled.', 'cancelled') : finish('failed', `The ${phase} phase ran out of time (${Math.round(limits.timeLimitMs / 1000)} s).`, 'time_limit');

  let candidates: Candidate[];
  try {
    const exclude = [...(input.excludeProviders ?? []), ...(input.escalate ? [input.escalate.from.provider] : [])];
    candidates = await router.candidates(phase, { prefer: input.preferProvider, exclude });
  } catch (error) {
    return finish('failed', describe(error, router), 'provider_unavailable');
  }
  if (input.escalate && candidates[0]) {
    const { from, reason, detail } = input.escalate;
    router.recordOutcome({ deploymentId: input.deploymentId, phase, provider: from.provider, model: from.model, success: false, reason });
    escalate(from, candidates[0], reason, detail);
  }
  if (!candidates.length) {
    return finish('failed', 'No model provider is available: Ollama and Anthropic are either not configured, excluded, or skipped after repeated failures.', 'provider_unavailable');
  }

  const problems: string[] = [];
  let note = '';
  for (let index = 0; index < candidates.length; index++) {
    const candidate = candidates[index]!;
    const next = candidates[index + 1];
    if (signal.aborted) return stopped();

    let info: ModelInfo;
    try {
      info = await router.preflight(candidate, signal);
    } catch (error) {
      if (isCancellation(error) || signal.aborted) return stopped();
      const detail = describe(error, router);
      problems.push(`${candidate.provider}: ${detail}`);
      if (next) fallback(candidate, next, detail);
      continue;
    }
    current = candidate;

    const contextLimit = candidate.provider === 'ollama' ? Math.min(info.contextLength ?? router.ollamaMaxContext, router.ollamaMaxContext) : (info.contextLength ?? 200_000);
    const nativeTools = info.supportsTools;
    let prompt: PhasePrompt;
    try {
      prompt = buildPhasePrompt(phase, input.context, { maxPromptTokens: contextLimit - router.maxOutputTokens - RESERVED_TOKENS - (nativeTools ? toolsTokens() : 0), nativeTools });
    } catch (error) {
      const detail = describe(error, router);
      if (next && router.escalation) {
        escalate(candidate, next, 'context_too_small', detail);
        continue;
      }
      return finish('failed', detail, 'context_too_small');
    }
    transcript.system = prompt.system;
    emit({ type: 'phase-start', phase, provider: candidate.provider, model: candidate.model });

    const end = await converse(candidate, info, prompt, contextLimit, note);
    if (end.kind === 'finished') return finish('succeeded', end.summary);
    if (end.kind === 'provider-failed') {
      if (isCancellation(end.error) || signal.aborted) return stopped();
      const detail = describe(end.error, router);
      problems.push(`${candidate.provider}: ${detail}`);
      if (next) {
        fallback(candidate, next, detail);
        note = filesWritten.length ? `A previous attempt was interrupted. Files already changed in the workspace: ${filesWritten.join(', ')}. Check them before continuing.` : '';
        current = undefined;
        continue;
      }
      return finish('failed', `No model could finish the ${phase} phase: ${problems.join(' ')}`, 'provider_unavailable');
    }
    // A measurable failure of this model: escalate to the next provider when allowed.
    if (ESCALATING_REASONS.includes(end.reason) && router.escalation && next) {
      router.recordOutcome({ deploymentId: input.deploymentId, phase, provider: candidate.provider, model: candidate.model, success: false, reason: end.reason });
      escalate(candidate, next, end.reason, end.detail);
      note = filesWritten.length ? `Another model worked on this before you and changed: ${filesWritten.join(', ')}. Check those files; keep what is right and fix the rest.` : '';
      current = undefined;
      continue;
    }
    return finish('failed', end.detail, end.reason);
  }
  return finish('failed', `No model provider could serve the ${phase} phase: ${problems.join(' ') || 'none reachable'}`, 'provider_unavailable');

  function fallback(from: Candidate, to: Candidate, detail: string) {
    router.recordDecision({ deploymentId: input.deploymentId, kind: 'provider', chosen: `${to.provider}:${to.model}`, inputs: { phase, from }, reason: `${from.provider} failed: ${detail}` });
    emit({ type: 'fallback', phase, from: from.provider, to: to.provider, reason: router.redact(detail) });
  }

  function escalate(from: Candidate, to: Candidate, reason: EscalationRecord['reason'], detail: string) {
    const record: EscalationRecord = { from, to, reason, detail: router.redact(detail) };
    escalations.push(record);
    router.recordDecision({ deploymentId: input.deploymentId, kind: 'escalation', chosen: `${to.provider}:${to.model}`, inputs: { phase, from, reason }, reason: `${from.provider}:${from.model} failed the ${phase} phase (${reason}): ${detail}` });
    emit({ type: 'escalation', phase, record });
  }

  async function converse(candidate: Candidate, info: ModelInfo, prompt: PhasePrompt, contextLimit: number, preface: string): Promise<ConversationEnd> {
    const nativeTools = info.supportsTools;
    const messages: ChatMessage[] = [{ role: 'user', content: preface ? `${preface}\n\n${prompt.user}` : prompt.user }];
    record(messages[0]!, candidate);
    let phaseTokens = 0;
    let malformedCount = 0;
    let mismatchStreak = 0;
    let idleTurns = 0;
    let credentialBlocks = 0;
    let lastKey = '';
    let repeats = 0;
    let finishRefused = false;
    const started = turns;
    // Ollama: the deployment's context for this model (chosen once, kept across phases: a change is a reload).
    const window: ContextWindow = { numCtx: contextLimit, limit: contextLimit };
    if (candidate.provider === 'ollama') {
      const seen = router.modelLoads(input.deploymentId).length;
      try {
        window.numCtx = await router.ollamaContexts.sizeFor({
          deploymentId: input.deploymentId,
          model: candidate.model,
          needed: phaseNeed(prompt.system, messages[0]!.content, nativeTools, router.maxOutputTokens),
          limit: contextLimit,
          signal,
        });
      } catch (error) {
        return { kind: 'provider-failed', error };
      }
      announceLoads(candidate, seen);
    }

    for (;;) {
      if (signal.aborted) return { kind: 'provider-failed', error: new DeployAgentError('CANCELLED', 'Cancelled.', '') };
      const over = budget.exceeded();
      if (over) return { kind: 'failed', reason: 'budget_exhausted', detail: `Stopped: ${over.message}.` };
      if (turns - started >= limits.maxTurns) return { kind: 'failed', reason: 'turn_limit', detail: `Stopped after ${limits.maxTurns} turns without the model calling finish.` };
      if (phaseTokens >= limits.maxTokens) return { kind: 'failed', reason: 'token_limit', detail: `Stopped: the phase used ${phaseTokens} of its ${limits.maxTokens} tokens.` };

      const fit = fitContext(prompt.system, messages, window, nativeTools, router.maxOutputTokens);
      if (!fit.ok) return { kind: 'failed', reason: 'context_too_small', detail: `The conversation no longer fits the model's context of ${contextLimit} tokens, even with earlier tool output elided.` };
      if (fit.grew) {
        const seen = router.modelLoads(input.deploymentId).length;
        const cause = `the conversation needs ${k(fit.needed)} even with earlier tool output elided`;
        window.numCtx = router.ollamaContexts.grow({ deploymentId: input.deploymentId, model: candidate.model, needed: fit.needed, limit: window.limit, cause }) ?? fit.numCtx;
        announceLoads(candidate, seen);
      }

      let response;
      try {
        response = await router.chat({
          phase,
          candidate,
          system: prompt.system,
          messages,
          tools: nativeTools ? [...AGENT_TOOLS] : undefined,
          numCtx: candidate.provider === 'ollama' ? window.numCtx : undefined,
          deploymentId: input.deploymentId,
          signal,
          onText: (delta) => emit({ type: 'text', phase, delta }),
          onRetry: ({ attempt, delayMs, error }) => emit({ type: 'retry', phase, provider: candidate.provider, attempt, delayMs, error }),
        });
      } catch (error) {
        return { kind: 'provider-failed', error };
      }
      turns++;
      phaseTokens += response.usage.inputTokens + response.usage.outputTokens;
      usage.inputTokens += response.usage.inputTokens;
      usage.outputTokens += response.usage.outputTokens;
      usage.cacheReadTokens = (usage.cacheReadTokens ?? 0) + (response.usage.cacheReadTokens ?? 0);
      usage.cacheWriteTokens = (usage.cacheWriteTokens ?? 0) + (response.usage.cacheWriteTokens ?? 0);
      usage.costUsd += response.costUsd;
      budget.charge({ ...response.usage, costUsd: response.costUsd });
      emit({ type: 'model-call', phase, provider: candidate.provider, model: candidate.model, turn: turns, usage: response.usage, costUsd: response.costUsd, cached: response.cached, durationMs: response.durationMs });

      let calls: ToolCall[];
      let formatProblems: string[] = [];
      if (nativeTools) calls = response.toolCalls;
      else ({ calls, problems: formatProblems } = parseTextActions(response.text));
      // What the model said is kept (and sent back) without any secret it may have repeated, and
      // without what is too large to write anyway: the tools refuse it, and neither the next turns
      // nor the transcript need its megabytes.
      const assistant = redactMessage(
        withoutOversize({ role: 'assistant', content: response.text, ...(nativeTools && calls.length ? { toolCalls: calls } : {}) }, limits.maxWriteBytes),
      );
      messages.push(assistant);
      record(assistant, candidate);

      if (!calls.length && !formatProblems.length) {
        idleTurns++;
        if (idleTurns > limits.maxIdleTurns) return { kind: 'failed', reason: 'no_progress', detail: `The model answered ${idleTurns} times without using a tool or calling finish.` };
        const nudge: ChatMessage = {
          role: 'user',
          content: nativeTools
            ? 'Use the tools to make the change (write_file / edit_file), and call finish with a summary when the work is done.'
            : 'Write your actions in the required form (```file:path blocks, READ:/LIST:/SEARCH: lines) and end with a FINISH: line when done.',
        };
        messages.push(nudge);
        record(nudge, candidate);
        continue;
      }
      idleTurns = 0;

      const textResults: string[] = [];
      for (const problem of formatProblems) {
        malformedCount++;
        textResults.push(`Error: ${problem}`);
      }
      let finished: string | undefined;
      for (const call of calls) {
        const key = `${call.name}\u0000${call.arguments ? JSON.stringify(call.arguments) : (call.raw ?? '')}`;
        repeats = key === lastKey ? repeats + 1 : 1;
        lastKey = key;
        if (repeats >= LOOP_REPEATS) {
          return { kind: 'failed', reason: 'loop_detected', detail: `The model made the same ${call.name} call ${LOOP_REPEATS} times in a row; stopped as a loop.` };
        }
        // The tool runner redacts what it returns (secret files masked, known values and token shapes replaced).
        let outcome = tools.run(call);
        if (outcome.finished !== undefined) {
          const open = [...findings.values()].flat().filter((f) => f.kind === 'syntax');
          if (open.length && !finishRefused) {
            finishRefused = true;
            outcome = { ...outcome, finished: undefined, isError: true, content: `Error: not finished — syntax errors remain: ${open.map((f) => `${f.path}: ${f.message}`).join('; ')}. Fix them, then call finish again.` };
          }
        }
        if (outcome.malformed) malformedCount++;
        if (outcome.editMismatch) mismatchStreak++;
        else if (outcome.wrote) mismatchStreak = 0;
        if (outcome.findings.some((f) => f.kind === 'credential')) credentialBlocks++;
        if (outcome.wrote) {
          if (!filesWritten.includes(outcome.wrote)) filesWritten.push(outcome.wrote);
          findings.set(outcome.wrote, outcome.findings);
          emit({ type: 'file-written', phase, path: outcome.wrote });
          for (const finding of outcome.findings) emit({ type: 'finding', phase, finding });
        }
        emit({ type: 'tool-call', phase, name: call.name, ...(outcome.path ? { path: outcome.path } : {}), ok: !outcome.isError, ...(outcome.isError ? { error: outcome.content } : {}) });
        if (nativeTools) {
          const result: ChatMessage = { role: 'tool', toolCallId: call.id, name: call.name || 'unknown', content: outcome.content, ...(outcome.isError ? { isError: true } : {}) };
          messages.push(result);
          record(result, candidate);
        } else textResults.push(`[${call.name}${typeof call.arguments?.path === 'string' ? ` ${call.arguments.path}` : ''}]\n${outcome.content}`);
        if (outcome.finished !== undefined) {
          finished = outcome.finished;
          break;
        }
      }
      if (!nativeTools && textResults.length && finished === undefined) {
        const results: ChatMessage = { role: 'user', content: `Results of your actions:\n\n${textResults.join('\n\n')}` };
        messages.push(results);
        record(results, candidate);
      }
      if (finished !== undefined) return { kind: 'finished', summary: finished || 'Done.' };
      if (malformedCount > limits.maxMalformed) return { kind: 'failed', reason: 'malformed_tool_calls', detail: `The model made ${malformedCount} malformed tool calls (limit ${limits.maxMalformed}).` };
      if (mismatchStreak >= limits.maxEditMismatches) return { kind: 'failed', reason: 'edits_not_matching', detail: `${mismatchStreak} edits in a row did not match the files they targeted.` };
      if (credentialBlocks >= 3) return { kind: 'failed', reason: 'credentials_blocked', detail: 'The model kept writing hard-coded credentials; those writes were blocked.' };
    }
  }

  /** The loads recorded since `seen`, as events (the pipeline shows them as progress). */
  function announceLoads(candidate: Candidate, seen: number) {
    for (const load of router.modelLoads(input.deploymentId).slice(seen)) {
      emit({ type: 'model-load', phase, provider: candidate.provider, model: load.model, numCtx: load.numCtx, ...(load.previous !== undefined ? { previous: load.previous } : {}), kind: load.kind, reason: load.reason });
    }
  }

  function redactMessage(message: ChatMessage): ChatMessage {
    const json = JSON.stringify(message);
    const clean = router.redact(json);
    return clean === json ? message : (JSON.parse(clean) as ChatMessage);
  }

  function record(message: ChatMessage, candidate: Candidate) {
    transcript.entries.push({ at: Date.now() - started, provider: candidate.provider, model: candidate.model, message });
  }
}

/**
 * The message with every text larger than `maxBytes` (a tool argument, or the answer itself in the
 * text protocol) cut to its first 2,000 characters and a note of its size.
 */
export function withoutOversize(message: ChatMessage, maxBytes: number): ChatMessage {
  const cut = (text: string): string => {
    if (text.length * 3 <= maxBytes || Buffer.byteLength(text) <= maxBytes) return text;
    return `${text.slice(0, 2000)}\n… (${text.length.toLocaleString('en-US')} characters not kept: more than the ${maxBytes.toLocaleString('en-US')} bytes a file may have)`;
  };
  if (message.role !== 'assistant') return message;
  const content = cut(message.content);
  let changed = content !== message.content;
  const toolCalls = message.toolCalls?.map((call) => {
    if (!call.arguments) {
      const raw = call.raw === undefined ? undefined : cut(call.raw);
      if (raw === call.raw) return call;
      changed = true;
      return { ...call, raw };
    }
    const args: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(call.arguments)) {
      args[key] = typeof value === 'string' ? cut(value) : value;
      if (args[key] !== value) changed = true;
    }
    return { ...call, arguments: args };
  });
  return changed ? { ...message, content, ...(toolCalls ? { toolCalls } : {}) } : message;
}

function describe(error: unknown, router: ModelRouter): string {
  if (isDeployAgentError(error) || isProviderError(error)) return router.redact(`${error.message} ${error.hint}`.trim());
  return router.redact(error instanceof Error ? error.message : String(error));
}
