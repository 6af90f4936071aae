/**
 * Scripting shared by the fake model servers (fake-ollama.ts, fake-anthropic.ts).
 *
 * A test queues *turns* per phase; each model request of that phase (recognised by the
 * system prompt's first line `deploy-agent phase: implement|tests|fix`) takes the next turn:
 *
 *   fake.script('implement',
 *     { toolCalls: [{ name: 'write_file', arguments: { path: 'src/a.ts', content: 'export const a = 1;\n' } }] },
 *     { text: 'Done.', toolCalls: [{ name: 'finish', arguments: { summary: 'added a' } }] },
 *   );
 *
 * - `text`: what the model says (streamed in small chunks).
 * - `toolCalls`: calls to make; `arguments` as an object, or as a string to send exactly that
 *   (e.g. '{"path": "a.ts", "content": ' — malformed JSON).
 * - A turn can be a function `(request) => ScriptedTurn` to answer from what was sent.
 * - `usage`: token counts to report (default: estimated from the request / answer size).
 * - Phase '*' is a shared queue used when the phase has none queued.
 * - When nothing is queued the fake answers with a `finish` call ("nothing scripted"), so a
 *   pipeline test only scripts the phases it cares about; `whenEmpty` changes that.
 *
 * Faults (do not consume a turn; the next request of that phase, or any when phase is '*', gets it):
 *
 *   fake.fail({ kind: 'status', status: 429, headers: { 'retry-after': '1' } }, 'implement');
 *   fake.fail({ kind: 'status', status: 500 });
 *   fake.fail({ kind: 'hangup' });            // connection reset before answering
 *   fake.fail({ kind: 'cut' });               // stream starts, then the connection drops mid-answer
 *   fake.fail({ kind: 'malformed' });         // a line/event that is not valid JSON, then the stream ends
 *   fake.fail({ kind: 'error-event' });       // an in-stream error ({"error":…} line / SSE `event: error`)
 *   fake.fail({ kind: 'delay', ms: 500 });    // answers normally after a delay
 *   fake.fail({ kind: 'stall', ms: 5000 });   // starts the stream, then goes silent for ms (mid-stream timeout)
 *
 * `fake.chats` lists every chat request received (phase, body) for assertions.
 */
export type FakePhase = 'implement' | 'tests' | 'fix' | '*';

export interface ScriptedToolCall {
  name: string;
  arguments: Record<string, unknown> | string;
}

export interface ScriptedTurn {
  text?: string;
  toolCalls?: ScriptedToolCall[];
  usage?: { inputTokens?: number; outputTokens?: number };
}

export type TurnSource<Req> = ScriptedTurn | ((request: Req) => ScriptedTurn);

export type ModelFault =
  | { kind: 'status'; status: number; headers?: Record<string, string>; message?: string }
  | { kind: 'hangup' }
  | { kind: 'cut' }
  | { kind: 'malformed' }
  | { kind: 'error-event'; message?: string }
  | { kind: 'delay'; ms: number }
  | { kind: 'stall'; ms: number };

export interface RecordedChat {
  phase: FakePhase | 'unknown';
  body: Record<string, unknown>;
}

export const NOTHING_SCRIPTED: ScriptedTurn = { toolCalls: [{ name: 'finish', arguments: { summary: '(fake model) nothing scripted for this phase' } }] };

/** Reads the phase from a system prompt's first line. */
export function phaseOf(system: string | undefined): FakePhase | 'unknown' {
  const first = (system ?? '').split('\n', 1)[0] ?? '';
  const m = /^deploy-agent phase: (implement|tests|fix)\b/.exec(first.trim());
  return m ? (m[1] as FakePhase) : 'unknown';
}

export class TurnQueues<Req> {
  private readonly turns = new Map<string, TurnSource<Req>[]>();
  private readonly faults: { phase: string; fault: ModelFault }[] = [];
  whenEmpty: TurnSource<Req> = NOTHING_SCRIPTED;

  push(phase: FakePhase, turns: TurnSource<Req>[]): void {
    const list = this.turns.get(phase) ?? [];
    list.push(...turns);
    this.turns.set(phase, list);
  }

  fail(fault: ModelFault, phase: FakePhase = '*'): void {
    this.faults.push({ phase, fault });
  }

  takeFault(phase: string): ModelFault | undefined {
    const index = this.faults.findIndex((f) => f.phase === '*' || f.phase === phase);
    return index >= 0 ? this.faults.splice(index, 1)[0]!.fault : undefined;
  }

  takeTurn(phase: string, request: Req): ScriptedTurn {
    const own = this.turns.get(phase);
    const source = own?.length ? own.shift()! : (this.turns.get('*')?.shift() ?? this.whenEmpty);
    return typeof source === 'function' ? source(request) : source;
  }

  /** Turns still queued (a test can assert the script was used up). */
  remaining(phase?: FakePhase): number {
    if (phase) return this.turns.get(phase)?.length ?? 0;
    let n = 0;
    for (const list of this.turns.values()) n += list.length;
    return n;
  }
}

/** Splits text into small pieces, as a streaming server would send them. */
export function chunks(text: string, size = 7): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}
