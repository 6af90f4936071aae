import { readdirSync, type Dirent } from 'node:fs';
import path from 'node:path';
import { estimateTokens } from './cost';

export interface RepoMapFile {
  path: string;
  size?: number;
  symbols?: string[];
}

const SKIP = new Set(['.git', 'node_modules', 'dist', 'build', 'out', 'coverage', '.venv', 'venv', '__pycache__', 'target', '.next', '.deploy-agent']);

/** The files of a folder (relative paths, `/`-separated), skipping VCS, dependency and build folders. */
export function scanRepoFiles(root: string, limit = 50_000): RepoMapFile[] {
  const files: RepoMapFile[] = [];
  const walk = (dir: string, prefix: string) => {
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (files.length >= limit) return;
      if (entry.isDirectory()) {
        if (!SKIP.has(entry.name)) walk(path.join(dir, entry.name), prefix ? `${prefix}/${entry.name}` : entry.name);
      } else if (entry.isFile()) files.push({ path: prefix ? `${prefix}/${entry.name}` : entry.name });
    }
  };
  walk(root, '');
  return files;
}

interface Node {
  dirs: Map<string, Node>;
  files: RepoMapFile[];
  count: number;
}

function buildTree(files: readonly RepoMapFile[]): Node {
  const root: Node = { dirs: new Map(), files: [], count: 0 };
  for (const file of files) {
    const parts = file.path.split('/');
    let node = root;
    node.count++;
    for (let i = 0; i < parts.length - 1; i++) {
      let next = node.dirs.get(parts[i]!);
      if (!next) node.dirs.set(parts[i]!, (next = { dirs: new Map(), files: [], count: 0 }));
      next.count++;
      node = next;
    }
    node.files.push(file);
  }
  return root;
}

function render(node: Node, out: string[], indent: string, depth: number, maxDepth: number, withSymbols: boolean): void {
  for (const name of [...node.dirs.keys()].sort()) {
    const child = node.dirs.get(name)!;
    if (depth >= maxDepth) {
      out.push(`${indent}${name}/ (${child.count} files)`);
      continue;
    }
    out.push(`${indent}${name}/`);
    render(child, out, indent + '  ', depth + 1, maxDepth, withSymbols);
  }
  const files = [...node.files].sort((a, b) => (a.path < b.path ? -1 : 1));
  for (const file of files) {
    const base = file.path.slice(file.path.lastIndexOf('/') + 1);
    const symbols = withSymbols && file.symbols?.length ? `: ${file.symbols.slice(0, 12).join(', ')}` : '';
    out.push(`${indent}${base}${symbols}`);
  }
}

/**
 * A repository map as an indented tree, made to fit `maxTokens`: first with the symbols of
 * each file, then without them, then with deeper folders collapsed to "name/ (N files)"
 * until it fits. Returns '' when not even the top level fits.
 */
export function renderRepoMap(files: readonly RepoMapFile[], maxTokens: number): string {
  if (maxTokens <= 0 || !files.length) return '';
  const tree = buildTree(files);
  const hasSymbols = files.some((f) => f.symbols?.length);
  const attempt = (maxDepth: number, withSymbols: boolean): string | undefined => {
    const out: string[] = [];
    render(tree, out, '', 0, maxDepth, withSymbols);
    const text = out.join('\n');
    return estimateTokens(text) <= maxTokens ? text : undefined;
  };
  const full = attempt(Infinity, hasSymbols) ?? (hasSymbols ? attempt(Infinity, false) : undefined);
  if (full !== undefined) return full;
  for (let depth = 6; depth >= 0; depth--) {
    const text = attempt(depth, false);
    if (text !== undefined) return text;
  }
  return '';
}
