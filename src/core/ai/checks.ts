import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { shapesIn, TOKEN_SHAPES } from '../security/token-shapes';
import type { WriteFinding } from './types';

/**
 * Checks on what the model wrote, fed back to it as errors: syntax (TypeScript/JavaScript with
 * the TypeScript compiler API, JSON, YAML when a parser is installed, Python with py_compile), hard-coded credentials (which
 * block the write) and dangerous calls (flagged for review).
 */

/** The token shapes that block a write (src/core/security/token-shapes.ts); sample JWTs and URLs with passwords in tests do not. */
const CREDENTIAL_SHAPES = TOKEN_SHAPES.filter((shape) => shape.blocksWrite);

const ASSIGNED_SECRET = /\b(password|passwd|pwd|secret|api[_-]?key|apikey|access[_-]?token|auth[_-]?token|client[_-]?secret|private[_-]?key)\b["']?\s*[:=]\s*["'`]([^"'`\s]{8,})["'`]/i;
const PLACEHOLDER = /^(?:\$\{|<|\{\{|%|process\.env|os\.environ)|changeme|change-me|example|placeholder|your[-_]|xxx|dummy|test|fake|redacted|\*{3}/i;

const DANGEROUS: { pattern: RegExp; message: string }[] = [
  { pattern: /(?<![\w.])eval\s*\(/, message: 'calls eval()' },
  { pattern: /\bnew\s+Function\s*\(/, message: 'builds code with new Function()' },
  { pattern: /\bexec(?:Sync)?\s*\(\s*(?:`[^`]*\$\{|[^'"`\s)][^)]*\+|["'][^"']*["']\s*\+)/, message: 'runs a shell command built from variables (exec with interpolated input)' },
  { pattern: /\bshell\s*:\s*true\b/, message: 'spawns a process with shell: true' },
  { pattern: /\bsubprocess\.\w+\([^)]*shell\s*=\s*True/, message: 'runs subprocess with shell=True' },
  { pattern: /\bos\.system\s*\(/, message: 'calls os.system()' },
  { pattern: /\brm\s+-rf?\s+(?:\/|~|\$HOME|\.\.)/, message: 'deletes files outside the project (rm -rf on /, ~ or ..)' },
  { pattern: /\b(?:rmSync|rmdirSync|rimraf|shutil\.rmtree)\s*\(\s*["'`](?:\/|~|\.\.)/, message: 'deletes a folder outside the project' },
];

/** Hard-coded credentials: any finding blocks the write. */
export function findCredentials(file: string, content: string): WriteFinding[] {
  const findings: WriteFinding[] = [];
  const lines = content.split('\n');
  lines.forEach((text, index) => {
    for (const shape of shapesIn(text, CREDENTIAL_SHAPES)) {
      findings.push({ path: file, kind: 'credential', line: index + 1, message: `line ${index + 1} contains ${shape.description}` });
    }
    const assigned = ASSIGNED_SECRET.exec(text);
    if (assigned && !PLACEHOLDER.test(assigned[2]!)) {
      findings.push({ path: file, kind: 'credential', line: index + 1, message: `line ${index + 1} hard-codes a ${assigned[1]!.toLowerCase()}` });
    }
  });
  return findings;
}

/** Dangerous calls: flagged for review, not blocked. */
export function findDangerousCalls(file: string, content: string): WriteFinding[] {
  const findings: WriteFinding[] = [];
  content.split('\n').forEach((text, index) => {
    for (const { pattern, message } of DANGEROUS) if (pattern.test(text)) findings.push({ path: file, kind: 'dangerous', line: index + 1, message: `line ${index + 1} ${message}` });
  });
  return findings;
}

type TypeScriptApi = typeof import('typescript');
let tsCache: { api: TypeScriptApi | undefined } | undefined;

/** The TypeScript compiler from the project (or from Deploy Agent's own tools), loaded on first use; undefined when none is installed. */
function loadTypeScript(sandboxDir: string): TypeScriptApi | undefined {
  if (tsCache) return tsCache.api;
  for (const base of [sandboxDir, process.cwd()]) {
    try {
      const api = createRequire(path.join(base, 'noop.js'))('typescript') as TypeScriptApi;
      tsCache = { api };
      return api;
    } catch {
      // try the next place
    }
  }
  tsCache = { api: undefined };
  return undefined;
}

let pythonAvailable: boolean | undefined;
type YamlParse = (text: string) => void;
let yamlCache: { parse: YamlParse | undefined } | undefined;

/** A YAML parser from the project or Deploy Agent's own dependencies (`yaml` or `js-yaml`); undefined when neither is installed. */
function loadYaml(sandboxDir: string): YamlParse | undefined {
  if (yamlCache) return yamlCache.parse;
  for (const base of [sandboxDir, process.cwd()]) {
    const load = createRequire(path.join(base, 'noop.js'));
    try {
      const yaml = load('yaml') as { parseAllDocuments(text: string): { errors: { message: string }[] }[] };
      yamlCache = {
        parse: (text) => {
          for (const doc of yaml.parseAllDocuments(text)) if (doc.errors.length) throw new Error(doc.errors[0]!.message);
        },
      };
      return yamlCache.parse;
    } catch {
      // try js-yaml
    }
    try {
      const jsYaml = load('js-yaml') as { loadAll(text: string): unknown };
      yamlCache = { parse: (text) => void jsYaml.loadAll(text) };
      return yamlCache.parse;
    } catch {
      // try the next place
    }
  }
  yamlCache = { parse: undefined };
  return undefined;
}

/** Syntax errors in the written file, when a checker for its language is available. */
export function findSyntaxErrors(file: string, content: string, sandboxDir: string): WriteFinding[] {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.json') {
    try {
      JSON.parse(content);
      return [];
    } catch (error) {
      return [{ path: file, kind: 'syntax', message: `invalid JSON: ${(error as Error).message}` }];
    }
  }
  if (ext === '.yml' || ext === '.yaml') {
    const parse = loadYaml(sandboxDir);
    if (!parse) return [];
    try {
      parse(content);
      return [];
    } catch (error) {
      return [{ path: file, kind: 'syntax', message: `invalid YAML: ${(error as Error).message.split('\n')[0]}` }];
    }
  }
  if (['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'].includes(ext)) {
    const ts = loadTypeScript(sandboxDir);
    if (!ts) return [];
    // Parsing alone (no program, no emit) finds syntax errors at a fraction of transpileModule's cost.
    const kind = ext === '.tsx' ? ts.ScriptKind.TSX : ext === '.jsx' ? ts.ScriptKind.JSX : ext.endsWith('ts') ? ts.ScriptKind.TS : ts.ScriptKind.JS;
    const source = ts.createSourceFile(file, content, ts.ScriptTarget.Latest, false, kind);
    const diagnostics = (source as unknown as { parseDiagnostics?: readonly import('typescript').DiagnosticWithLocation[] }).parseDiagnostics
      ?? ts.transpileModule(content, { fileName: file, reportDiagnostics: true, compilerOptions: { allowJs: true, jsx: ts.JsxEmit.Preserve } }).diagnostics
      ?? [];
    return diagnostics.slice(0, 5).map((d) => {
      const line = d.start !== undefined ? source.getLineAndCharacterOfPosition(d.start).line + 1 : undefined;
      return { path: file, kind: 'syntax' as const, ...(line ? { line } : {}), message: `${line ? `line ${line}: ` : ''}${ts.flattenDiagnosticMessageText(d.messageText, ' ')}` };
    });
  }
  if (ext === '.py') {
    if (pythonAvailable === false) return [];
    const dir = mkdtempSync(path.join(os.tmpdir(), 'deploy-agent-py-'));
    try {
      const source = path.join(dir, path.basename(file));
      writeFileSync(source, content);
      const result = spawnSync('python3', ['-m', 'py_compile', source], { encoding: 'utf8', timeout: 10_000, env: { PATH: process.env.PATH ?? '', PYTHONDONTWRITEBYTECODE: '1' } });
      if (result.error) {
        pythonAvailable = false;
        return [];
      }
      pythonAvailable = true;
      if (result.status === 0) return [];
      const text = (result.stderr || result.stdout).split(source).join(file).trim().split('\n').slice(-5).map((l) => l.trim()).join(' ');
      return [{ path: file, kind: 'syntax', message: text }];
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return [];
}
