import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { FrameworkId } from './types';

/**
 * Which framework runs the tests, and in which (sub-)project folder. The project profile from
 * src/core/analysis decides when it named a framework this runner drives; otherwise the
 * worktree's own files do (a profile may be missing on resume or when the analysis failed).
 */
export interface FrameworkChoice {
  id: FrameworkId;
  /** Worktree-relative folder of the project whose tests run (`.` for the root). */
  projectPath: string;
  source: 'requested' | 'profile' | 'files';
  confidence: number;
  evidence: string[];
}

/** The profile's names (src/core/analysis/detect) mapped to the runner's. */
const FROM_PROFILE: Record<string, FrameworkId> = {
  mocha: 'mocha',
  jest: 'jest',
  vitest: 'vitest',
  'node-test': 'node-test',
  pytest: 'pytest',
  // pytest runs unittest and Django's TestCase classes as they are.
  unittest: 'pytest',
  'django-test': 'pytest',
  'go-test': 'go-test',
  'cargo-test': 'cargo-test',
};

interface ProfileLike {
  path?: string;
  tests?: { framework?: string | null; confidence?: number; evidence?: string[] };
  projects?: ProfileLike[];
}

export function frameworkFromProfileName(name: string): FrameworkId | undefined {
  return FROM_PROFILE[name];
}

export function chooseFramework(dir: string, options: { profile?: Record<string, unknown>; filesWritten?: string[]; requested?: FrameworkId } = {}): FrameworkChoice | { unsupported: string; projectPath: string } | undefined {
  const written = options.filesWritten ?? [];
  const profile = options.profile as ProfileLike | undefined;
  const candidates: ProfileLike[] = profile ? [profile, ...(profile.projects ?? [])] : [];
  // The project the deployment wrote into: the deepest project folder holding most written files.
  const projectPath = pickProject(
    candidates.map((p) => p.path ?? '.'),
    written,
  );
  if (options.requested) return { id: options.requested, projectPath, source: 'requested', confidence: 1, evidence: [] };
  const ordered = [...candidates].sort((a, b) => Number((b.path ?? '.') === projectPath) - Number((a.path ?? '.') === projectPath));
  for (const p of ordered) {
    const name = p.tests?.framework;
    if (!name) continue;
    const id = FROM_PROFILE[name];
    const where = p.path ?? '.';
    if (!id) {
      if (where === projectPath) return { unsupported: name, projectPath: where };
      continue;
    }
    return { id, projectPath: where, source: 'profile', confidence: p.tests?.confidence ?? 0.5, evidence: p.tests?.evidence ?? [] };
  }
  const detected = detectFromFiles(path.join(dir, projectPath));
  return detected ? { ...detected, projectPath, source: 'files' } : undefined;
}

function pickProject(paths: string[], written: string[]): string {
  let best = '.';
  let bestScore = 0;
  for (const p of paths) {
    if (p === '.') continue;
    const score = written.filter((f) => f.startsWith(`${p}/`)).length;
    if (score > bestScore || (score === bestScore && score > 0 && p.length > best.length)) {
      best = p;
      bestScore = score;
    }
  }
  return best;
}

/** From the project's own files, when there is no profile to ask. */
export function detectFromFiles(dir: string): Omit<FrameworkChoice, 'projectPath' | 'source'> | undefined {
  const has = (name: string) => existsSync(path.join(dir, name));
  if (has('package.json')) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { scripts?: Record<string, string>; dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
      const deps = { ...pkg.dependencies, ...pkg.devDependencies };
      const script = pkg.scripts?.test ?? '';
      for (const id of ['vitest', 'jest', 'mocha'] as const) {
        if (new RegExp(`\\b${id}\\b`).test(script) && deps[id]) return { id, confidence: 0.95, evidence: ['package.json'] };
      }
      for (const id of ['vitest', 'jest', 'mocha'] as const) if (deps[id]) return { id, confidence: 0.8, evidence: ['package.json'] };
      if (/(^|\s)node\s(.*\s)?--test\b/.test(script)) return { id: 'node-test', confidence: 0.9, evidence: ['package.json'] };
    } catch {
      // an unreadable package.json: look at the other ecosystems
    }
  }
  if (has('go.mod')) return { id: 'go-test', confidence: 0.9, evidence: ['go.mod'] };
  if (has('Cargo.toml')) return { id: 'cargo-test', confidence: 0.9, evidence: ['Cargo.toml'] };
  const pyConfig = ['pytest.ini', 'conftest.py', 'pyproject.toml', 'setup.cfg', 'tox.ini'].find(has);
  if (pyConfig) return { id: 'pytest', confidence: 0.8, evidence: [pyConfig] };
  if (hasPythonTests(dir)) return { id: 'pytest', confidence: 0.6, evidence: ['test_*.py'] };
  return undefined;
}

function hasPythonTests(dir: string): boolean {
  for (const sub of ['.', 'tests', 'test']) {
    try {
      if (readdirSync(path.join(dir, sub)).some((f) => /^test_.*\.py$|_test\.py$/.test(f))) return true;
    } catch {
      // no such folder
    }
  }
  return false;
}
