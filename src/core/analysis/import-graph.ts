import path from 'node:path';
import { readFileSync } from 'node:fs';
import { stripJsonComments } from './detect/context';
import type { FileEntry, ImportEdge, ImportGraph, StructureMap } from './types';

const JS_LANGS = new Set(['typescript', 'javascript', 'vue', 'svelte', 'astro']);
const EXTENSIONS = ['.ts', '.tsx', '.d.ts', '.js', '.jsx', '.mts', '.mjs', '.cts', '.cjs', '.vue', '.svelte', '.json'];
const JS_TO_TS: Record<string, string[]> = { '.js': ['.ts', '.tsx'], '.jsx': ['.tsx'], '.mjs': ['.mts'], '.cjs': ['.cts'] };

interface TsConfig {
  dir: string;
  baseUrl?: string;
  paths: [RegExp, string[]][];
}

function readTsConfig(root: string, rel: string, files: ReadonlySet<string>, depth = 0): { baseUrl?: string; paths?: Record<string, string[]>; pathsBase?: string } {
  let json: { extends?: string | string[]; compilerOptions?: { baseUrl?: string; paths?: Record<string, string[]> } };
  try {
    json = JSON.parse(stripJsonComments(readFileSync(path.join(root, rel), 'utf8')));
  } catch {
    return {};
  }
  const dir = path.posix.dirname(rel);
  let inherited: { baseUrl?: string; paths?: Record<string, string[]>; pathsBase?: string } = {};
  const parent = Array.isArray(json.extends) ? json.extends[0] : json.extends;
  if (parent && parent.startsWith('.') && depth < 5) {
    let p = path.posix.normalize(path.posix.join(dir, parent));
    if (!p.endsWith('.json')) p += '.json';
    if (files.has(p)) inherited = readTsConfig(root, p, files, depth + 1);
  }
  const co = json.compilerOptions ?? {};
  const baseUrl = co.baseUrl !== undefined ? path.posix.normalize(path.posix.join(dir, co.baseUrl)) : inherited.baseUrl;
  const paths = co.paths ?? inherited.paths;
  const pathsBase = co.paths ? (baseUrl ?? dir) : (inherited.pathsBase ?? baseUrl ?? dir);
  return { baseUrl, paths, pathsBase };
}

function escapeRe(s: string): string {
  return s.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
}

/** Resolves import specifiers of TS/JS (relative, tsconfig paths and baseUrl, workspace packages) and Python to files. */
export class ImportResolver {
  private readonly files: Set<string>;
  private readonly tsconfigs: TsConfig[];
  private readonly packages = new Map<string, string>();
  private readonly pythonRoots: string[];

  constructor(private readonly map: StructureMap) {
    this.files = new Set(map.files.map((f) => f.path));
    this.tsconfigs = map.files
      .filter((f) => /(^|\/)[tj]sconfig(\.[\w-]+)?\.json$/.test(f.path) && !/(^|\/)node_modules\//.test(f.path) && /(^|\/)[tj]sconfig\.json$/.test(f.path))
      .map((f) => {
        const cfg = readTsConfig(map.root, f.path, this.files);
        const paths: [RegExp, string[]][] = Object.entries(cfg.paths ?? {}).map(([pattern, targets]) => [
          new RegExp('^' + escapeRe(pattern).replace('\\*', '(.*)').replace('*', '(.*)') + '$'),
          targets.map((t) => path.posix.normalize(path.posix.join(cfg.pathsBase ?? '.', t))),
        ]);
        return { dir: path.posix.dirname(f.path), baseUrl: cfg.baseUrl, paths };
      })
      .sort((a, b) => b.dir.length - a.dir.length);
    for (const f of map.files) {
      if (!f.path.endsWith('package.json') || /(^|\/)node_modules\//.test(f.path)) continue;
      try {
        const pkg = JSON.parse(readFileSync(path.join(map.root, f.path), 'utf8')) as { name?: string };
        if (pkg.name) this.packages.set(pkg.name, path.posix.dirname(f.path));
      } catch {
        /* not JSON */
      }
    }
    const roots = new Set<string>(['.']);
    for (const r of map.projectRoots) {
      roots.add(r);
      roots.add(r === '.' ? 'src' : `${r}/src`);
    }
    this.pythonRoots = [...roots];
  }

  private tryFile(base: string): string | undefined {
    if (base.startsWith('..')) return undefined;
    if (this.files.has(base) && !base.endsWith('/')) return base;
    const ext = path.posix.extname(base);
    for (const alt of JS_TO_TS[ext] ?? []) {
      const p = base.slice(0, -ext.length) + alt;
      if (this.files.has(p)) return p;
    }
    for (const e of EXTENSIONS) if (this.files.has(base + e)) return base + e;
    for (const e of EXTENSIONS) if (this.files.has(`${base}/index${e}`)) return `${base}/index${e}`;
    return undefined;
  }

  private packageEntry(dir: string, sub: string): string | undefined {
    if (sub) return this.tryFile(path.posix.join(dir, sub)) ?? this.tryFile(path.posix.join(dir, 'src', sub));
    let main: string | undefined;
    try {
      const pkg = JSON.parse(readFileSync(path.join(this.map.root, dir === '.' ? 'package.json' : `${dir}/package.json`), 'utf8')) as { main?: string; module?: string; types?: string; source?: string };
      main = pkg.source ?? pkg.types ?? pkg.module ?? pkg.main;
    } catch {
      /* no readable manifest */
    }
    return (main && this.tryFile(path.posix.normalize(path.posix.join(dir, main)))) || this.tryFile(path.posix.join(dir, 'src/index')) || this.tryFile(path.posix.join(dir, 'index'));
  }

  resolveJs(from: string, spec: string): ImportEdge {
    const clean = spec.split('?')[0]!;
    if (clean.startsWith('.') || clean.startsWith('/')) {
      const base = clean.startsWith('/') ? clean.slice(1) : path.posix.normalize(path.posix.join(path.posix.dirname(from), clean));
      const hit = this.tryFile(base);
      return hit ? { from, to: hit, external: false } : { from, to: base, external: true };
    }
    const cfg = this.tsconfigs.find((c) => c.dir === '.' || from.startsWith(c.dir + '/'));
    if (cfg) {
      for (const [re, targets] of cfg.paths) {
        const m = re.exec(clean);
        if (!m) continue;
        for (const t of targets) {
          const hit = this.tryFile(t.replace('*', m[1] ?? ''));
          if (hit) return { from, to: hit, external: false };
        }
      }
      if (cfg.baseUrl !== undefined) {
        const hit = this.tryFile(path.posix.normalize(path.posix.join(cfg.baseUrl, clean)));
        if (hit) return { from, to: hit, external: false };
      }
    }
    const parts = clean.split('/');
    const name = clean.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
    const dir = this.packages.get(name);
    if (dir !== undefined) {
      const hit = this.packageEntry(dir, parts.slice(clean.startsWith('@') ? 2 : 1).join('/'));
      if (hit) return { from, to: hit, external: false };
    }
    return { from, to: name.replace(/^node:/, ''), external: true };
  }

  resolvePython(from: string, spec: string): ImportEdge {
    const tryModule = (mod: string): string | undefined => {
      for (const c of [`${mod}.py`, `${mod}/__init__.py`, `${mod}.pyi`]) if (this.files.has(c)) return c;
      return undefined;
    };
    const dots = /^\.*/.exec(spec)![0].length;
    if (dots > 0) {
      let dir = path.posix.dirname(from);
      for (let i = 1; i < dots; i++) dir = path.posix.dirname(dir);
      const rest = spec.slice(dots).replace(/\./g, '/');
      const mod = rest ? (dir === '.' ? rest : `${dir}/${rest}`) : dir;
      const hit = tryModule(mod) ?? (rest.includes('/') ? tryModule(mod.slice(0, mod.lastIndexOf('/'))) : undefined);
      return hit ? { from, to: hit, external: false } : { from, to: spec, external: true };
    }
    const segments = spec.split('.');
    const fromDir = path.posix.dirname(from);
    for (const root of [...this.pythonRoots, fromDir]) {
      for (let n = segments.length; n >= 1; n--) {
        const rel = segments.slice(0, n).join('/');
        const hit = tryModule(root === '.' ? rel : `${root}/${rel}`);
        if (hit && hit !== from) return { from, to: hit, external: false };
      }
    }
    return { from, to: segments[0]!, external: true };
  }
}

/** The import graph of the TS/JS and Python files of a structure map. */
export function buildImportGraph(map: StructureMap, filter: (f: FileEntry) => boolean = () => true): ImportGraph {
  const resolver = new ImportResolver(map);
  const edges: ImportEdge[] = [];
  const inDegree: Record<string, number> = {};
  for (const f of map.files) {
    if (!f.facts?.imports || !filter(f)) continue;
    const js = JS_LANGS.has(f.language ?? '');
    if (!js && f.language !== 'python') continue;
    const seen = new Set<string>();
    for (const spec of f.facts.imports) {
      const edge = js ? resolver.resolveJs(f.path, spec) : resolver.resolvePython(f.path, spec);
      const key = `${edge.external ? 'x' : 'i'}${edge.to}`;
      if (seen.has(key) || edge.to === f.path) continue;
      seen.add(key);
      edges.push(edge);
      if (!edge.external) inDegree[edge.to] = (inDegree[edge.to] ?? 0) + 1;
    }
  }
  return { edges, inDegree };
}
