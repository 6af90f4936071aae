import { isSecretEntry, MIN_SECRET_LENGTH, type SecretValue } from './secret-values';
import { TOKEN_SHAPES, type TokenShape } from './token-shapes';

interface CompiledShape {
  id: string;
  anchors: readonly string[] | undefined;
  pattern: RegExp;
}

/** The value after `KEY=`: quoted or bare, 8 to 512 characters, not an already redacted placeholder. */
const ASSIGNED_VALUE = /(["']?)([^\s"'`&;,[\]][^\s"'`&;,]{7,511})\1/y;

/**
 * Replaces secrets in text with `[redacted:NAME]`: known values first (the environment's
 * credentials and the values of the repository's secret files, each with its name), then token
 * shapes (`[redacted:github-token]`), then `KEY=value` assignments. Immutable and synchronous, so
 * that it can sit inside every database write and tool result; `text` returns its input unchanged
 * (the same string) when there is nothing to replace.
 */
export class Redactor {
  private readonly literals: RegExp | undefined;
  private readonly literalNames = new Map<string, string>();
  private readonly shapes: CompiledShape[];
  private readonly assignments: boolean;
  /** The known values (without their escaped variants), for `has`. */
  readonly size: number;

  constructor(values: readonly SecretValue[] = [], options: { shapes?: readonly TokenShape[]; assignments?: boolean } = {}) {
    for (const { name, value } of values) {
      if (value.length < MIN_SECRET_LENGTH) continue;
      // The value as it appears inside JSON (a stored payload, a request body) and in a URL.
      for (const variant of [value, JSON.stringify(value).slice(1, -1), encodeURIComponent(value)]) {
        if (!this.literalNames.has(variant)) this.literalNames.set(variant, name);
      }
    }
    this.size = new Set(values.filter((v) => v.value.length >= MIN_SECRET_LENGTH).map((v) => v.value)).size;
    const sorted = [...this.literalNames.keys()].sort((a, b) => b.length - a.length);
    this.literals = sorted.length ? new RegExp(sorted.map(escapeRegExp).join('|'), 'g') : undefined;
    this.shapes = (options.shapes ?? TOKEN_SHAPES).map((s) => ({ id: s.id, anchors: s.anchors, pattern: new RegExp(s.pattern.source, withFlags(s.pattern.flags, 'gd')) }));
    this.assignments = options.assignments ?? true;
  }

  text(input: string): string {
    if (input.length < MIN_SECRET_LENGTH) return input;
    let out = input;
    if (this.literals) out = out.replace(this.literals, (match) => `[redacted:${this.literalNames.get(match) ?? 'secret'}]`);
    for (const shape of this.shapes) {
      if (shape.anchors && !shape.anchors.some((anchor) => out.includes(anchor))) continue;
      out = replaceSpans(out, shape.pattern, () => `[redacted:${shape.id}]`);
    }
    if (this.assignments) out = replaceAssignments(out);
    return out === input ? input : out;
  }

  /** A copy of a JSON-like value with every string redacted (`toJSON` honoured, as JSON.stringify would); the same object when nothing changed. */
  value<T>(input: T): T {
    return this.walk(input, 0) as T;
  }

  /** JSON of a value with every string redacted before it is escaped (a secret with quotes or newlines is still found). */
  json(input: unknown, space?: number): string {
    return JSON.stringify(this.value(input), null, space);
  }

  /** Whether the text contains one of the known values (not a shape: generated code may carry sample tokens). */
  hasKnownValue(text: string): boolean {
    if (!this.literals) return false;
    this.literals.lastIndex = 0;
    return this.literals.test(text);
  }

  private walk(input: unknown, depth: number): unknown {
    if (typeof input === 'string') return this.text(input);
    if (input === null || typeof input !== 'object' || depth > 64) return input;
    const toJSON = (input as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') return this.walk(toJSON.call(input), depth + 1);
    if (Array.isArray(input)) {
      let changed = false;
      const out = input.map((item) => {
        const next = this.walk(item, depth + 1);
        if (next !== item) changed = true;
        return next;
      });
      return changed ? out : input;
    }
    const source = input instanceof Error ? { ...(input as unknown as Record<string, unknown>), name: input.name, message: input.message } : (input as Record<string, unknown>);
    let changed = input instanceof Error;
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(source)) {
      const item = source[key];
      const next = this.walk(item, depth + 1);
      if (next !== item) changed = true;
      out[key] = next;
    }
    return changed ? out : input;
  }
}

/** Replaces each match (or its `secret` group) with what `render` returns; a match it returns undefined for stays. */
function replaceSpans(text: string, pattern: RegExp, render: (match: RegExpExecArray) => string | undefined): string {
  pattern.lastIndex = 0;
  let out = '';
  let last = 0;
  let replaced = false;
  for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
    if (m[0] === '') {
      pattern.lastIndex++;
      continue;
    }
    const replacement = render(m);
    if (replacement === undefined) continue;
    const [start, end] = m.indices?.groups?.secret ?? [m.index, m.index + m[0].length];
    out += text.slice(last, start) + replacement;
    last = end;
    replaced = true;
  }
  return replaced ? out + text.slice(last) : text;
}

/**
 * `KEY=value` anywhere in a text (an env file printed by a test, `export TOKEN=…` in a hook's log,
 * `?api_key=…` in a URL): the value is replaced when the key names a credential or the value looks
 * random (16+ characters, 3.5+ bits per character, not hex-only — see `isSecretEntry`). Scanned
 * from each `=` backwards to the key rather than with one regular expression: three to four times
 * faster on large outputs, where `=` is rare and keys are not.
 */
function replaceAssignments(text: string): string {
  let out = '';
  let last = 0;
  for (let eq = text.indexOf('='); eq >= 0; eq = text.indexOf('=', eq + 1)) {
    let start = eq;
    while (start > 0 && eq - start <= 64 && isKeyChar(text.charCodeAt(start - 1))) start--;
    if (eq - start < 2 || eq - start > 64 || isDigit(text.charCodeAt(start))) continue;
    // Not the tail of a longer word, path or option (`a.b=`, `$X=`, `/x=`, `--flag=`).
    const before = start > 0 ? text.charCodeAt(start - 1) : 32;
    if (before === 46 || before === 36 || before === 47 || before === 45) continue;
    ASSIGNED_VALUE.lastIndex = eq + 1;
    const m = ASSIGNED_VALUE.exec(text);
    if (!m) continue;
    const key = text.slice(start, eq);
    // Token shapes were replaced before this pass.
    if (!isSecretEntry(key, m[2]!, { shapes: false })) continue;
    const valueStart = eq + 1 + m[1]!.length;
    out += text.slice(last, valueStart) + `[redacted:${key}]`;
    last = valueStart + m[2]!.length;
    eq = last - 1;
  }
  return last ? out + text.slice(last) : text;
}

function isKeyChar(c: number): boolean {
  return isDigit(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function withFlags(flags: string, extra: string): string {
  return [...new Set([...flags, ...extra])].join('');
}
