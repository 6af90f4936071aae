import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Redactor } from '../../security/redactor';
import { secretRegistry } from '../../security/registry';
import { isSecretFile, maskSecretFile } from '../../security/secret-files';
import { findCredentials, findDangerousCalls, findSyntaxErrors } from '../checks';
import type { ToolCall, ToolSpec, WriteFinding } from '../types';
import { Sandbox, ToolError } from './sandbox';

/** The tools of the agent protocol (DESIGN.md), as offered to the model. */
export const AGENT_TOOLS: readonly ToolSpec[] = [
  tool('list_files', 'List the entries of a folder in the workspace (folders end with /). Use "." for the root.', { path: 'Folder relative to the workspace root' }),
  tool('read_file', 'Read a text file of the workspace.', { path: 'File relative to the workspace root' }),
  tool('search', 'Find lines containing a text (case-insensitive) in the workspace files; answers path:line: text.', { query: 'Text to look for' }),
  tool('write_file', 'Create or replace a whole file in the workspace.', { path: 'File relative to the workspace root', content: 'The complete new content of the file' }),
  tool('edit_file', 'Replace one exact, unique piece of text in a file. Include enough surrounding lines for it to be unique.', {
    path: 'File relative to the workspace root',
    search: 'The exact text to replace (must occur once)',
    replace: 'The text to put in its place',
  }),
  tool('finish', 'End this phase once the work is done, with a short summary of what changed.', { summary: 'What was done, in a few sentences' }),
];

function tool(name: string, description: string, args: Record<string, string>): ToolSpec {
  const properties: ToolSpec['parameters']['properties'] = {};
  for (const [key, text] of Object.entries(args)) properties[key] = { type: 'string', description: text };
  return { name, description, parameters: { type: 'object', properties, required: Object.keys(args) } };
}

const TOOL_NAMES = new Set(AGENT_TOOLS.map((t) => t.name));
/** The default of `ai.maxWriteBytes`. */
export const DEFAULT_MAX_WRITE_BYTES = 1024 * 1024;
const READ_CAP = 100_000;
const LIST_CAP = 400;
const SEARCH_CAP = 60;
const SKIP_DIRS = new Set(['.git', 'node_modules', 'dist', 'build', 'out', 'coverage', '.venv', 'venv', '__pycache__', 'target', '.next']);

export interface ToolOutcome {
  /** What the model is told. */
  content: string;
  isError: boolean;
  /** The call's arguments were unusable (unknown tool, not an object, missing fields). */
  malformed: boolean;
  /** write/edit: the sandbox-relative path changed. */
  wrote?: string;
  /** edit_file whose search text did not match. */
  editMismatch?: boolean;
  /** finish: the summary. */
  finished?: string;
  findings: WriteFinding[];
  path?: string;
}

/**
 * Executes tool calls against the sandbox. Each call stands alone: an edit that does not
 * match fails by itself with a message naming why, the others still apply. Writes are atomic
 * (temp file + rename) and re-read to verify. Credentials block a write; syntax errors and
 * dangerous calls are reported back to the model.
 *
 * Secrets never reach the model through a tool: a secret file (`.env`, a private key, …) is read
 * and searched as its keys with the values masked, and every result is redacted (known values,
 * token shapes) before it is returned.
 */
export class ToolRunner {
  readonly sandbox: Sandbox;
  /** Largest file a write or an edit may produce. */
  readonly maxWriteBytes: number;
  private readonly redactor: () => Redactor;

  constructor(sandboxDir: string, options: { maxWriteBytes?: number; redactor?: Redactor } = {}) {
    this.sandbox = new Sandbox(sandboxDir);
    this.maxWriteBytes = options.maxWriteBytes ?? DEFAULT_MAX_WRITE_BYTES;
    const given = options.redactor;
    this.redactor = given ? () => given : () => secretRegistry.redactor();
  }

  /** One call; what the model is told has no secret in it. */
  run(call: ToolCall): ToolOutcome {
    const outcome = this.execute(call);
    const content = this.redactor().text(outcome.content);
    return content === outcome.content ? outcome : { ...outcome, content };
  }

  private execute(call: ToolCall): ToolOutcome {
    if (!TOOL_NAMES.has(call.name)) {
      return malformed(`Unknown tool "${call.name}". Available tools: ${[...TOOL_NAMES].join(', ')}.`);
    }
    if (!call.arguments) {
      return malformed(`The arguments of ${call.name} were not a JSON object${call.raw ? ` (received: ${call.raw.slice(0, 200)})` : ''}. Send them as a JSON object.`);
    }
    const spec = AGENT_TOOLS.find((t) => t.name === call.name)!;
    const missing = spec.parameters.required.filter((key) => typeof call.arguments![key] !== 'string');
    if (missing.length) return malformed(`${call.name} needs the string argument${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')}.`);
    const args = call.arguments as Record<string, string>;
    try {
      switch (call.name) {
        case 'list_files':
          return ok(this.listFiles(args.path!), args.path);
        case 'read_file':
          return ok(this.readFile(args.path!), args.path);
        case 'search':
          return ok(this.search(args.query!));
        case 'write_file':
          return this.writeFile(args.path!, args.content!);
        case 'edit_file':
          return this.editFile(args.path!, args.search!, args.replace!);
        default:
          return { content: 'Phase finished.', isError: false, malformed: false, finished: args.summary!, findings: [] };
      }
    } catch (error) {
      if (error instanceof ToolError) return { content: `Error: ${error.message}`, isError: true, malformed: false, findings: [], path: args.path, editMismatch: error.kind === 'no_match' };
      return { content: `Error: ${(error as Error).message}`, isError: true, malformed: false, findings: [], path: args.path };
    }
  }

  listFiles(relative: string): string {
    const { absolute, relative: clean } = this.sandbox.resolve(relative, { allowRoot: true });
    let entries;
    try {
      entries = readdirSync(absolute, { withFileTypes: true });
    } catch (error) {
      throw new ToolError(errno(error) === 'ENOTDIR' ? `"${clean}" is a file, not a folder; use read_file.` : `No folder "${clean}" in the workspace.`, 'not_found');
    }
    const names = entries
      .filter((e) => e.name !== '.git')
      .map((e) => (e.isDirectory() ? `${e.name}/` : e.name))
      .sort();
    if (!names.length) return `(${clean} is empty)`;
    const shown = names.slice(0, LIST_CAP);
    return shown.join('\n') + (names.length > shown.length ? `\n… and ${names.length - shown.length} more` : '');
  }

  readFile(relative: string): string {
    const { absolute, relative: clean } = this.sandbox.resolve(relative);
    let buffer: Buffer;
    try {
      if (statSync(absolute).isDirectory()) throw new ToolError(`"${clean}" is a folder; use list_files.`, 'invalid');
      buffer = readFileSync(absolute);
    } catch (error) {
      if (error instanceof ToolError) throw error;
      throw new ToolError(`No file "${clean}" in the workspace.`, 'not_found');
    }
    if (buffer.subarray(0, 8000).includes(0)) throw new ToolError(`"${clean}" is a binary file.`, 'invalid');
    let text = buffer.toString('utf8');
    if (isSecretFile(clean)) text = `(${clean} holds secrets: its keys are shown, every value is hidden. Refer to a value by its key, e.g. read it from the environment.)\n${maskSecretFile(clean, text)}`;
    return text.length > READ_CAP ? `${text.slice(0, READ_CAP)}\n… (truncated: the file has ${text.length} characters)` : text;
  }

  search(query: string): string {
    const needle = query.toLowerCase();
    if (!needle.trim()) throw new ToolError('"query" must not be empty.');
    const redactor = this.redactor();
    const matches: string[] = [];
    const walk = (dir: string, prefix: string): void => {
      if (matches.length >= SEARCH_CAP) return;
      let entries;
      try {
        entries = readdirSync(dir, { withFileTypes: true });
      } catch {
        return;
      }
      entries.sort((a, b) => a.name.localeCompare(b.name));
      for (const entry of entries) {
        if (matches.length >= SEARCH_CAP) return;
        const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
        if (entry.isDirectory()) {
          if (!SKIP_DIRS.has(entry.name)) walk(path.join(dir, entry.name), rel);
        } else if (entry.isFile()) {
          const file = path.join(dir, entry.name);
          let buffer: Buffer;
          try {
            if (statSync(file).size > 1_000_000) continue;
            buffer = readFileSync(file);
          } catch {
            continue;
          }
          if (buffer.subarray(0, 8000).includes(0)) continue;
          // A secret file is searched as the model would read it (values masked); any other line is
          // matched again after redaction, so a search cannot confirm a secret one guess at a time.
          const text = buffer.toString('utf8');
          const lines = (isSecretFile(rel) ? maskSecretFile(rel, text) : text).split('\n');
          for (let i = 0; i < lines.length && matches.length < SEARCH_CAP; i++) {
            if (!lines[i]!.toLowerCase().includes(needle)) continue;
            const shown = redactor.text(lines[i]!);
            if (shown.toLowerCase().includes(needle)) matches.push(`${rel}:${i + 1}: ${shown.trim().slice(0, 200)}`);
          }
        }
      }
    };
    walk(this.sandbox.root, '');
    if (!matches.length) return `No matches for "${query}".`;
    return matches.join('\n') + (matches.length >= SEARCH_CAP ? `\n… (first ${SEARCH_CAP} matches; refine the query)` : '');
  }

  writeFile(relative: string, content: string): ToolOutcome {
    const { absolute, relative: clean } = this.sandbox.resolve(relative);
    refuseSecretFile(absolute, clean);
    try {
      if (statSync(absolute).isDirectory()) throw new ToolError(`"${clean}" is a folder.`, 'invalid');
    } catch (error) {
      if (error instanceof ToolError) throw error;
    }
    return this.commit(absolute, clean, content, `Wrote ${clean} (${content.split('\n').length} lines).`);
  }

  editFile(relative: string, search: string, replace: string): ToolOutcome {
    const { absolute, relative: clean } = this.sandbox.resolve(relative);
    refuseSecretFile(absolute, clean);
    let current: string;
    try {
      current = readFileSync(absolute, 'utf8');
    } catch {
      throw new ToolError(`No file "${clean}" to edit; create it with write_file.`, 'not_found');
    }
    if (search === '') throw new ToolError(`edit_file on ${clean}: "search" is empty; use write_file to create or replace a whole file.`, 'no_match');
    const first = current.indexOf(search);
    if (first < 0) {
      const hint = closestLine(current, search);
      throw new ToolError(`edit_file on ${clean}: the search text was not found${hint ? `; the closest line is ${hint}` : ''}. Read the file and copy the text exactly (whitespace included).`, 'no_match');
    }
    const count = current.split(search).length - 1;
    if (count > 1) throw new ToolError(`edit_file on ${clean}: the search text occurs ${count} times; include more surrounding lines so it matches once.`, 'no_match');
    const next = current.slice(0, first) + replace + current.slice(first + search.length);
    return this.commit(absolute, clean, next, `Edited ${clean}.`);
  }

  /** Size cap, credential check, atomic write, re-read, then syntax and dangerous-call checks. */
  private commit(absolute: string, clean: string, content: string, done: string): ToolOutcome {
    const bytes = Buffer.byteLength(content);
    if (bytes > this.maxWriteBytes) {
      throw new ToolError(
        `Refused: ${clean} would be ${formatBytes(bytes)}; a file written by the agent may be at most ${formatBytes(this.maxWriteBytes)} (deployAgent.ai.maxWriteBytes). Write smaller files, or generate large data when the tests run.`,
        'blocked',
      );
    }
    const credentials = findCredentials(clean, content);
    if (credentials.length) {
      return {
        content: `Error: refused to write ${clean}: ${credentials.map((c) => c.message).join('; ')}. Never hard-code credentials; read them from the environment or a secret store.`,
        isError: true,
        malformed: false,
        findings: credentials,
        path: clean,
      };
    }
    mkdirSync(path.dirname(absolute), { recursive: true });
    // The parent may have been created through a symlink in the meantime: check again.
    this.sandbox.resolve(clean);
    const temp = path.join(path.dirname(absolute), `.${path.basename(absolute)}.${randomBytes(4).toString('hex')}.deploy-agent-tmp`);
    try {
      writeFileSync(temp, content);
      renameSync(temp, absolute);
    } catch (error) {
      rmSync(temp, { force: true });
      throw new ToolError(`Could not write ${clean}: ${(error as Error).message}.`, 'io');
    }
    if (readFileSync(absolute, 'utf8') !== content) throw new ToolError(`Wrote ${clean} but reading it back gave different content; try again.`, 'io');
    const findings = [...findSyntaxErrors(clean, content, this.sandbox.root), ...findDangerousCalls(clean, content)];
    const syntax = findings.filter((f) => f.kind === 'syntax');
    const dangerous = findings.filter((f) => f.kind === 'dangerous');
    let message = done;
    if (syntax.length) message += `\nSyntax errors in ${clean} — fix them: ${syntax.map((f) => f.message).join('; ')}`;
    if (dangerous.length) message += `\nFlagged for review in ${clean}: ${dangerous.map((f) => f.message).join('; ')}. Avoid these unless the task requires them.`;
    return { content: message, isError: syntax.length > 0, malformed: false, wrote: clean, findings, path: clean };
  }
}

/**
 * The model sees an existing secret file with its values masked: a write would replace the real
 * values with placeholders (or with values it made up), and an edit's "closest line" hint would
 * show a real one. A new secret file is the model's own content and may be created.
 */
function refuseSecretFile(absolute: string, clean: string): void {
  if (!isSecretFile(clean) || !existsSync(absolute)) return;
  throw new ToolError(
    `Refused: ${clean} holds secrets whose values are hidden from you, so it cannot be changed. Document a new variable in .env.example (or the README) and mention it in your summary; read values from the environment in code.`,
    'blocked',
  );
}

function ok(content: string, pathArg?: string): ToolOutcome {
  return { content, isError: false, malformed: false, findings: [], ...(pathArg !== undefined ? { path: pathArg } : {}) };
}

function malformed(message: string): ToolOutcome {
  return { content: `Error: ${message}`, isError: true, malformed: true, findings: [] };
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function errno(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException)?.code;
}

/** The file line most similar to the first line of the search text, to help the model fix its edit. */
function closestLine(content: string, search: string): string | undefined {
  const wanted = search.split('\n').find((l) => l.trim())?.trim();
  if (!wanted) return undefined;
  let best: { line: number; text: string; score: number } | undefined;
  const lines = content.split('\n');
  const wantedTokens = new Set(wanted.split(/\W+/).filter(Boolean));
  lines.forEach((text, i) => {
    const tokens = text.trim().split(/\W+/).filter(Boolean);
    if (!tokens.length) return;
    const common = tokens.filter((t) => wantedTokens.has(t)).length;
    const score = common / Math.max(tokens.length, wantedTokens.size);
    if (!best || score > best.score) best = { line: i + 1, text: text.trim(), score };
  });
  const found = best as { line: number; text: string; score: number } | undefined;
  return found && found.score > 0.3 ? `${found.line}: ${JSON.stringify(found.text.slice(0, 160))}` : undefined;
}
