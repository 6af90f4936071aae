import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { FrameworkId, TestScope } from './types';

/**
 * Which tests a run covers, as the strategy's scope says: `generated` runs the test files the
 * deployment wrote; `related` adds the existing tests that name or import a changed source
 * file; `full` runs the suite. A narrower scope with nothing in it widens to the next one, and
 * the selection says so.
 */
const JS_TEST = /(^|\/)(__tests__\/.+|[^/]+\.(test|spec)\.[cm]?[jt]sx?)$/;
const JS_IN_TEST_DIR = /(^|\/)tests?\/.+\.[cm]?[jt]sx?$/;
const TEST_FILES: Record<FrameworkId, RegExp[]> = {
  mocha: [JS_TEST, JS_IN_TEST_DIR],
  jest: [JS_TEST],
  vitest: [JS_TEST],
  'node-test': [JS_TEST, JS_IN_TEST_DIR, /(^|\/)test[^/]*\.[cm]?[jt]s$/],
  pytest: [/(^|\/)(test_[^/]*|[^/]*_test)\.py$/],
  'go-test': [/_test\.go$/],
  'cargo-test': [/(^|\/)tests\/[^/]+\.rs$/],
};

const NOT_TESTS = /(^|\/)(node_modules|fixtures?|support|helpers?)\//;
const ANY_TEST_FILE = [...new Set(Object.values(TEST_FILES).flat())];

export function isTestFile(framework: FrameworkId, file: string): boolean {
  return TEST_FILES[framework].some((re) => re.test(file)) && !NOT_TESTS.test(file);
}

/** A test file of any supported framework (for reports, where the framework may not be known). */
export function looksLikeTestFile(file: string): boolean {
  return ANY_TEST_FILE.some((re) => re.test(file)) && !NOT_TESTS.test(file);
}

export interface Selection {
  /** Project-relative test files; empty: the whole suite. */
  files: string[];
  /** The scope actually run (a narrower one with nothing in it widens). */
  scope: TestScope;
  note?: string;
}

/**
 * @param projectDir absolute folder of the project in the sandbox
 * @param projectPath its worktree-relative path (`.` for the root)
 * @param written worktree-relative files the deployment wrote
 */
export function selectTests(framework: FrameworkId, projectDir: string, projectPath: string, scope: TestScope, written: string[]): Selection {
  if (scope === 'full') return { files: [], scope: 'full' };
  const prefix = projectPath === '.' ? '' : `${projectPath}/`;
  const inProject = written.filter((f) => f.startsWith(prefix)).map((f) => f.slice(prefix.length));
  const existing = (f: string) => existsSync(path.join(projectDir, f));
  const generated = inProject.filter((f) => isTestFile(framework, f) && existing(f));
  if (scope === 'generated' && generated.length) return { files: generated, scope };
  const sources = inProject.filter((f) => !isTestFile(framework, f));
  const related = sources.length ? relatedTests(framework, projectDir, sources) : [];
  const files = [...new Set([...generated, ...related])];
  if (files.length) {
    return { files, scope: 'related', ...(scope === 'generated' ? { note: 'no generated test file was found, so the tests related to the change ran' } : {}) };
  }
  return { files: [], scope: 'full', note: `no ${scope === 'generated' ? 'generated or ' : ''}related test file was found, so the whole suite ran` };
}

/** Existing test files whose name contains a changed file's stem, or whose imports mention it. */
export function relatedTests(framework: FrameworkId, projectDir: string, sources: string[]): string[] {
  const stems = sources
    .map((f) => {
      const base = path.basename(f).replace(/\.[^.]+$/, '');
      // index.ts, __init__.py, mod.rs, lib.rs name their folder
      return ['index', '__init__', 'mod', 'lib', 'main'].includes(base) ? path.basename(path.dirname(f)) : base;
    })
    .filter((s) => s && s !== '.' && s.length >= 2);
  if (!stems.length) return [];
  const tests = listFiles(projectDir).filter((f) => isTestFile(framework, f));
  const related: string[] = [];
  for (const test of tests) {
    const name = path.basename(test).toLowerCase();
    if (stems.some((s) => name.includes(s.toLowerCase()))) {
      related.push(test);
      continue;
    }
    const content = readHead(path.join(projectDir, test));
    const imports = content.split('\n').filter((l) => /\b(import|require|from|use|mod)\b/.test(l));
    if (stems.some((s) => imports.some((l) => new RegExp(`[/'"\\s.:]${escape(s)}(['"\\s.;:)]|$)`).test(l)))) related.push(test);
  }
  return related;
}

/** Tracked and untracked-not-ignored files under a folder, relative to it. */
function listFiles(dir: string): string[] {
  try {
    const out = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: dir, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'ignore'] });
    return [...new Set(out.split('\0').filter(Boolean))];
  } catch {
    return [];
  }
}

function readHead(file: string): string {
  try {
    if (statSync(file).size > 512 * 1024) return '';
    return readFileSync(file, 'utf8').slice(0, 16 * 1024);
  } catch {
    return '';
  }
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
