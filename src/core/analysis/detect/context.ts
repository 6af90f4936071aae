import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseToml } from 'smol-toml';
import type { BuildArtifact, Commands, DependencyInfo, Detection, FileEntry, FrameworkInfo, RuntimeRequirement } from '../types';

const MAX_MANIFEST_BYTES = 2 * 1024 * 1024;

/** One (sub-)project as the detectors see it: its files and cached, failure-tolerant readers. */
export class ProjectContext {
  private readonly texts = new Map<string, string | undefined>();
  private readonly names: Set<string>;

  constructor(
    readonly root: string,
    /** Workspace-relative folder, `.` for the root. */
    readonly dir: string,
    /** Files of this project; paths are workspace-relative. */
    readonly files: readonly FileEntry[],
    /** Every file of the workspace (lockfiles of a workspace live above its packages). */
    private readonly workspaceNames: ReadonlySet<string> = new Set(files.map((f) => f.path)),
    /** Told the workspace-relative path of every file about to be read (what a stored profile depends on). */
    private readonly onRead?: (path: string) => void,
  ) {
    this.names = new Set(files.map((f) => f.path));
  }

  /** Workspace-relative path of a project-relative one. */
  rel(p: string): string {
    return this.dir === '.' ? p : path.posix.normalize(`${this.dir}/${p}`);
  }

  /** Project-relative path of a workspace-relative one. */
  local(p: string): string {
    return this.dir === '.' ? p : p.slice(this.dir.length + 1);
  }

  has(p: string): boolean {
    return this.names.has(this.rel(p));
  }

  /** Files whose project-relative path matches. */
  find(re: RegExp): FileEntry[] {
    return this.files.filter((f) => re.test(this.local(f.path)));
  }

  read(p: string): string | undefined {
    const key = this.rel(p);
    if (this.texts.has(key)) return this.texts.get(key);
    let text: string | undefined;
    if (this.workspaceNames.has(key)) {
      this.onRead?.(key);
      try {
        const buffer = readFileSync(path.join(this.root, key));
        text = buffer.length > MAX_MANIFEST_BYTES ? undefined : buffer.toString('utf8');
      } catch {
        text = undefined;
      }
    }
    this.texts.set(key, text);
    return text;
  }

  json<T = Record<string, unknown>>(p: string): T | undefined {
    const text = this.read(p);
    if (text === undefined) return undefined;
    try {
      return JSON.parse(stripJsonComments(text)) as T;
    } catch {
      return undefined;
    }
  }

  toml(p: string): Record<string, unknown> | undefined {
    const text = this.read(p);
    if (text === undefined) return undefined;
    try {
      return parseToml(text) as Record<string, unknown>;
    } catch {
      return undefined;
    }
  }
}

/** JSONC → JSON: drops comments and trailing commas, leaving strings alone. */
export function stripJsonComments(text: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      out += c;
      if (c === '\\') out += text[++i] ?? '';
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') {
      inString = true;
      out += c;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 1;
    } else out += c;
  }
  return out.replace(/,(\s*[}\]])/g, '$1');
}

export interface Valued<T = string> {
  value: T;
  confidence: number;
  evidence: string[];
}

/** What one ecosystem's detector found in a project. */
export interface StackFindings {
  ecosystem: string;
  /** Languages this ecosystem's code is written in (to pick the findings that match the primary language). */
  languages: string[];
  frameworks: FrameworkInfo[];
  packageManager?: Valued;
  buildTool?: Valued;
  runtime?: Valued<RuntimeRequirement>;
  commands: Partial<Commands>;
  commandEvidence: string[];
  /** Confidence, evidence and reason of the production pair, the development server and the migration. */
  commandDetections: Partial<Record<ProductionCommand, Detection>>;
  artifact?: BuildArtifact;
  port?: Valued<number>;
  dependencies: DependencyInfo[];
  testFramework?: Valued;
}

export function findings(ecosystem: string, languages: string[]): StackFindings {
  return { ecosystem, languages, frameworks: [], commands: {}, commandEvidence: [], commandDetections: {}, dependencies: [] };
}

export type ProductionCommand = 'build' | 'start' | 'dev' | 'migrate';

/** Sets one of the production pair, the development server or the migration, with why (`null` says there is none, and why). */
export function setCommand(f: StackFindings, key: ProductionCommand, value: string | null, confidence: number, evidence: string[], reason: string): void {
  f.commands[key] = value;
  f.commandDetections[key] = { confidence, evidence: [...new Set(evidence)], reason };
}

export function cleanVersion(spec: string | undefined | null): string | null {
  if (!spec || typeof spec !== 'string') return null;
  const m = /(\d+(?:\.\d+){0,3}(?:[-+][\w.]+)?)/.exec(spec);
  return m ? m[1]! : null;
}

/**
 * A version declaration that is a range (">=20", "^3.10", ">=3.9,<3.13"), as semver reads it
 * (PEP 440's commas become spaces); null for a bare version ("20.11.1", which names one version)
 * and for operators semver would misread (PEP 440's "~=" and "===").
 */
export function versionRange(spec: string | undefined | null): string | null {
  if (!spec || typeof spec !== 'string') return null;
  const text = spec.trim();
  if (/^v?\d+(\.\d+)*$/.test(text) || /~=|===/.test(text)) return null;
  return /\d/.test(text) ? text.replace(/\s*,\s*/g, ' ') : null;
}

export function framework(name: string, version: string | null | undefined, confidence: number, evidence: string[]): FrameworkInfo {
  return { name, version: version ?? null, confidence, evidence: [...new Set(evidence)] };
}

/**
 * Folders whose code is not the project's own application: test fixtures, examples and samples.
 * Their ports, environment variables and test runners say nothing about the project.
 */
const INCIDENTAL = /(^|\/)(fixtures?|__fixtures__|testdata|examples?|samples?)\//;

export function isIncidental(projectRelativePath: string): boolean {
  return INCIDENTAL.test(projectRelativePath);
}

/** Modules a JS/TS file imports when it starts a server (a port literal elsewhere is a string in some other code: a detector's, a generator's). */
const JS_SERVER_MODULES = /^(node:)?(https?|http2|net)$|^(express|fastify|koa|hono|@hono\/|@nestjs\/|next|h3|restify|@hapi\/|polka|micro|ws|socket\.io|@remix-run\/|@sveltejs\/|nuxt|elysia|oak|@oak\/|jsr:@oak|https:\/\/deno\.land\/x\/oak|npm:express|npm:hono|jsr:@hono)/;

function listensInCode(f: FileEntry): boolean {
  if (f.language !== 'typescript' && f.language !== 'javascript') return true;
  const imports = f.facts?.imports ?? [];
  return imports.length === 0 || imports.some((i) => JS_SERVER_MODULES.test(i));
}

/** Port literals found in the code of the project's files that start a server, most common first. */
export function portsFromCode(ctx: ProjectContext, languages: string[]): Valued<number> | undefined {
  const counts = new Map<number, string[]>();
  for (const f of ctx.files) {
    if (f.kind !== 'source' || !f.facts?.ports || !languages.includes(f.language ?? '') || isIncidental(ctx.local(f.path)) || !listensInCode(f)) continue;
    for (const p of f.facts.ports) counts.set(p, [...(counts.get(p) ?? []), f.path]);
  }
  const best = [...counts.entries()].sort((a, b) => b[1].length - a[1].length)[0];
  return best ? { value: best[0], confidence: 0.8, evidence: best[1].slice(0, 3) } : undefined;
}
