import { readFileSync } from 'node:fs';
import path from 'node:path';
import { filesUnder } from '../../src/core/eval/tasks';
import type { EvalTask } from '../../src/core/eval/types';
import { NOTHING_SCRIPTED, phaseOf, type ScriptedTurn } from './fake-model-script';

/**
 * A scripted "model" for the eval suite, answering on a fake Ollama or Anthropic server
 * (`fake.whenEmpty = scriptEvalAgent(...)`). It recognises the task from the recommendation's
 * title in the conversation's first user turn and the turn from the number of assistant turns so
 * far, so it answers the same however the tasks are ordered, repeated or interleaved:
 *
 * - `solve`: writes the task's reference solution, then a test of the change that passes.
 * - `wrong`: writes a wrong implementation, then a test that fails on it; every repair round
 *   gives up without a change (the pipeline ends `failed`; the hidden tests fail).
 * - `false-success`: writes a wrong implementation, then a test that passes while the hidden
 *   tests fail (the pipeline says `succeeded`: a false success the suite must count).
 *
 * Each implement and tests phase is two turns (the writes, then `finish`); a fix phase one. Every
 * turn reports `usage` (default `TURN_USAGE`), so the token totals a run prints are known exactly;
 * leave out `inputTokens` to have the fake count the input itself (the fake Anthropic's prompt cache).
 */
export type EvalScriptPlan =
  | { task: EvalTask; outcome: 'solve'; test: ScriptedFile }
  | { task: EvalTask; outcome: 'wrong' | 'false-success'; implementation: ScriptedFile[]; test: ScriptedFile };

export interface ScriptedFile {
  path: string;
  content: string;
}

export const TURN_USAGE = { inputTokens: 1200, outputTokens: 150 } as const;

export function scriptEvalAgent(plans: readonly EvalScriptPlan[], usage: ScriptedTurn['usage'] = TURN_USAGE): (body: Record<string, unknown>) => ScriptedTurn {
  return (body) => {
    const turn = answer(plans, body);
    return turn === NOTHING_SCRIPTED ? turn : { ...turn, usage: { ...usage } };
  };
}

function answer(plans: readonly EvalScriptPlan[], body: Record<string, unknown>): ScriptedTurn {
  const { system, messages } = conversation(body);
  const phase = phaseOf(system);
  const first = messages.find((m) => m.role === 'user')?.text ?? '';
  const plan = plans.find((p) => first.includes(`Title: ${p.task.recommendation.title}\n`));
  if (!plan) return NOTHING_SCRIPTED;
  const turn = messages.filter((m) => m.role === 'assistant').length;
  const finish = (summary: string): ScriptedTurn => ({ text: summary, toolCalls: [{ name: 'finish', arguments: { summary } }] });
  const writes = (files: readonly ScriptedFile[]): ScriptedTurn => ({ toolCalls: files.map((f) => ({ name: 'write_file', arguments: { path: f.path, content: f.content } })) });
  if (phase === 'implement') {
    if (turn > 0) return finish(`(scripted) ${plan.outcome} implementation of ${plan.task.id} written.`);
    return writes(plan.outcome === 'solve' ? solutionFiles(plan.task) : plan.implementation);
  }
  if (phase === 'tests') return turn > 0 ? finish(`(scripted) test ${plan.test.path} written.`) : writes([plan.test]);
  if (phase === 'fix') return finish('(scripted) giving up: no change.');
  return NOTHING_SCRIPTED;
}

/** The task's reference solution as files to write (paths as in the repository). */
export function solutionFiles(task: EvalTask): ScriptedFile[] {
  const root = path.join(task.dir, 'solution');
  return filesUnder(root).map((rel) => ({ path: rel, content: readFileSync(path.join(root, rel), 'utf8') }));
}

/** System prompt and turns of an Ollama `/api/chat` or an Anthropic `/v1/messages` body, as text. */
function conversation(body: Record<string, unknown>): { system: string; messages: { role: string; text: string }[] } {
  const text = (content: unknown): string =>
    typeof content === 'string' ? content : Array.isArray(content) ? content.map((b) => (typeof (b as { text?: unknown }).text === 'string' ? (b as { text: string }).text : '')).join('\n') : '';
  const all = Array.isArray(body.messages) ? (body.messages as { role: string; content?: unknown }[]) : [];
  const system = text(body.system) || text(all.find((m) => m.role === 'system')?.content);
  return { system, messages: all.filter((m) => m.role !== 'system').map((m) => ({ role: m.role, text: text(m.content) })) };
}
