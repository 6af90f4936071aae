import type Database from 'better-sqlite3';
import { secretRegistry } from '../security/registry';
import type { AgentPhase, ProviderChatResponse, ProviderName, Transcript } from './types';

export interface ModelCallRecord {
  deploymentId?: string;
  phase?: AgentPhase;
  provider: ProviderName;
  model: string;
  /** Every input token, cached or not. */
  inputTokens: number;
  outputTokens: number;
  /** Of `inputTokens`: read from / written to the provider's prompt cache. */
  cacheReadTokens?: number;
  cacheWriteTokens?: number;
  costUsd: number;
  durationMs: number;
  /** Answered from Deploy Agent's own response cache (no request made). */
  cached: boolean;
  attempts: number;
  status: 'ok' | 'error';
  errorCode?: string;
}

export interface PhaseOutcomeStats {
  provider: ProviderName;
  model: string;
  runs: number;
  successes: number;
}

/** The tables of migration 003 (response cache, model calls, model × phase outcomes, transcripts). */
export class AiStore {
  private readonly statements;

  constructor(private readonly db: Database.Database) {
    this.statements = {
      cacheGet: db.prepare('SELECT response FROM ai_response_cache WHERE key = ? AND expires_at > ?'),
      cachePut: db.prepare('INSERT OR REPLACE INTO ai_response_cache (key, provider, model, response, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)'),
      cachePurge: db.prepare('DELETE FROM ai_response_cache WHERE expires_at <= ?'),
      call: db.prepare(
        `INSERT INTO ai_model_calls (deployment_id, phase, provider, model, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, cost_usd, duration_ms, cached, attempts, status, error_code, created_at)
         VALUES (@deploymentId, @phase, @provider, @model, @inputTokens, @outputTokens, @cacheReadTokens, @cacheWriteTokens, @costUsd, @durationMs, @cached, @attempts, @status, @errorCode, @createdAt)`,
      ),
      usage: db.prepare(
        `SELECT COALESCE(SUM(input_tokens),0) AS inputTokens, COALESCE(SUM(output_tokens),0) AS outputTokens, COALESCE(SUM(cache_read_tokens),0) AS cacheReadTokens,
                COALESCE(SUM(cache_write_tokens),0) AS cacheWriteTokens, COALESCE(SUM(cost_usd),0) AS costUsd, COUNT(*) AS calls
         FROM ai_model_calls WHERE deployment_id = ? AND status = 'ok'`,
      ),
      outcome: db.prepare(
        'INSERT INTO ai_phase_outcomes (repo_key, deployment_id, phase, provider, model, success, reason, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      window: db.prepare(
        `SELECT provider, model, COUNT(*) AS runs, SUM(success) AS successes FROM (
           SELECT provider, model, success FROM ai_phase_outcomes WHERE repo_key = ? AND phase = ? ORDER BY created_at DESC, id DESC LIMIT ?
         ) GROUP BY provider, model`,
      ),
      transcript: db.prepare(
        'INSERT INTO ai_transcripts (deployment_id, phase, provider, model, status, reason, transcript, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      transcripts: db.prepare('SELECT phase, provider, model, status, reason, transcript FROM ai_transcripts WHERE deployment_id = ? ORDER BY id'),
      decision: db.prepare(
        `INSERT INTO decisions (deployment_id, kind, chosen, inputs, reason, created_at)
         VALUES ((SELECT id FROM deployments WHERE id = ?), ?, ?, ?, ?, ?)`,
      ),
    };
  }

  cacheGet(key: string, now: number): ProviderChatResponse | undefined {
    const row = this.statements.cacheGet.get(key, now) as { response: string } | undefined;
    return row ? (JSON.parse(row.response) as ProviderChatResponse) : undefined;
  }

  /**
   * A response that contains a secret (a known value or a token shape) is not kept: stored
   * redacted it would replay something other than what the model said. Returns whether it was stored.
   */
  cachePut(key: string, provider: ProviderName, model: string, response: ProviderChatResponse, now: number, ttlMs: number): boolean {
    const json = JSON.stringify(response);
    if (secretRegistry.json(response) !== json) return false;
    this.statements.cachePut.run(key, provider, model, json, now, now + ttlMs);
    return true;
  }

  purgeExpired(now: number): number {
    return this.statements.cachePurge.run(now).changes;
  }

  recordCall(call: ModelCallRecord, now: number): void {
    this.statements.call.run({
      deploymentId: call.deploymentId ?? null,
      phase: call.phase ?? null,
      provider: call.provider,
      model: call.model,
      inputTokens: call.inputTokens,
      outputTokens: call.outputTokens,
      cacheReadTokens: call.cacheReadTokens ?? 0,
      cacheWriteTokens: call.cacheWriteTokens ?? 0,
      costUsd: call.costUsd,
      durationMs: Math.round(call.durationMs),
      cached: call.cached ? 1 : 0,
      attempts: call.attempts,
      status: call.status,
      errorCode: call.errorCode ?? null,
      createdAt: now,
    });
  }

  deploymentUsage(deploymentId: string): { inputTokens: number; outputTokens: number; cacheReadTokens: number; cacheWriteTokens: number; costUsd: number; calls: number } {
    return this.statements.usage.get(deploymentId) as { inputTokens: number; outputTokens: number; cacheReadTokens: number; cacheWriteTokens: number; costUsd: number; calls: number };
  }

  recordOutcome(o: { repoKey: string; deploymentId?: string; phase: AgentPhase; provider: ProviderName; model: string; success: boolean; reason?: string }, now: number): void {
    this.statements.outcome.run(o.repoKey, o.deploymentId ?? null, o.phase, o.provider, o.model, o.success ? 1 : 0, o.reason ?? null, now);
  }

  /** Outcomes of the last `window` runs of `phase` on this repository, per provider/model. */
  outcomeWindow(repoKey: string, phase: AgentPhase, window: number): PhaseOutcomeStats[] {
    return this.statements.window.all(repoKey, phase, window) as PhaseOutcomeStats[];
  }

  saveTranscript(t: { deploymentId?: string; transcript: Transcript; provider?: string; model?: string; status: string; reason?: string }, now: number): void {
    // Prompts carry test output and file contents; tool results carry what the model read.
    this.statements.transcript.run(t.deploymentId ?? null, t.transcript.phase, t.provider ?? null, t.model ?? null, t.status, t.reason ?? null, secretRegistry.json(t.transcript), now);
  }

  transcripts(deploymentId: string): { phase: AgentPhase; provider: string | null; model: string | null; status: string; reason: string | null; transcript: Transcript }[] {
    return (this.statements.transcripts.all(deploymentId) as { phase: AgentPhase; provider: string | null; model: string | null; status: string; reason: string | null; transcript: string }[]).map((r) => ({
      ...r,
      transcript: JSON.parse(r.transcript) as Transcript,
    }));
  }

  /** A row in the shared `decisions` table (kind `provider` for fallbacks, `escalation` for escalations). */
  recordDecision(d: { deploymentId?: string; kind: string; chosen: string; inputs?: unknown; reason: string }, now: number): void {
    this.statements.decision.run(d.deploymentId ?? null, d.kind, d.chosen, d.inputs === undefined ? null : secretRegistry.json(d.inputs), secretRegistry.text(d.reason), now);
  }
}
