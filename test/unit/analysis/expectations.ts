import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { ProjectProfile } from '../../../src/core/analysis/types';

export const STACKS_DIR = path.resolve(__dirname, '..', '..', 'fixtures', 'stacks');

export interface Expected {
  primaryLanguage: string | null;
  frameworks: string[];
  packageManager: string | null;
  buildTool?: string | null;
  runtime: string | null;
  runtimeVersion?: string;
  commands: { install: string | null; build: string | null; test: string | null; start: string | null; dev?: string | null; migrate?: string | null };
  /** The production build's artifact kind and path (`binary bin/server`, `static dist`), or null. */
  artifact?: string | null;
  /** Other runtimes the project needs (`python`). */
  additionalRuntimes?: string[];
  port: number | null;
  testFramework: string | null;
  envVars?: string[];
  tables?: string[];
  ci?: string[];
  projects?: Record<string, { frameworks: string[]; packageManager: string | null; port?: number | null }>;
}

export interface FieldCheck {
  field: string;
  expected: unknown;
  actual: unknown;
  ok: boolean;
  /** A list item (framework, env var, table, CI provider) that was detected but is not expected: a false positive. */
  extra?: boolean;
}

export function stackFixtures(): string[] {
  return readdirSync(STACKS_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
}

export function expectedOf(name: string): Expected {
  return JSON.parse(readFileSync(path.join(STACKS_DIR, name, 'expected.json'), 'utf8')) as Expected;
}

/**
 * Every field of the expectation, checked one by one (a framework, env var or table each counts as
 * one field), and every detected list item the expectation does not name, as a wrong field of its
 * own (`extra`): a detector that names everything must not score well. A list the expectation
 * leaves out (no `envVars`, `tables` or `ci` key) is not judged either way.
 */
export function checkProfile(profile: ProjectProfile, expected: Expected): FieldCheck[] {
  const checks: FieldCheck[] = [];
  const eq = (field: string, exp: unknown, act: unknown) => checks.push({ field, expected: exp, actual: act, ok: JSON.stringify(exp) === JSON.stringify(act) });
  const has = (field: string, exp: string, list: string[]) => checks.push({ field, expected: exp, actual: list, ok: list.includes(exp) });
  /** Both ways: each expected item found, and each found item expected. */
  const list = (field: string, exp: string[] | undefined, found: string[]) => {
    if (exp === undefined) return;
    for (const e of exp) has(field, e, found);
    for (const f of new Set(found)) if (!exp.includes(f)) checks.push({ field, expected: exp, actual: f, ok: false, extra: true });
  };
  eq('primaryLanguage', expected.primaryLanguage, profile.primaryLanguage);
  list('frameworks', expected.frameworks, profile.frameworks.map((x) => x.name));
  eq('packageManager', expected.packageManager, profile.packageManager);
  if (expected.buildTool !== undefined) eq('buildTool', expected.buildTool, profile.buildTool);
  eq('runtime', expected.runtime, profile.runtime?.name ?? null);
  if (expected.runtimeVersion) eq('runtimeVersion', expected.runtimeVersion, profile.runtime?.version ?? null);
  for (const k of ['install', 'build', 'test', 'start'] as const) eq(`commands.${k}`, expected.commands[k], profile.commands[k]);
  for (const k of ['dev', 'migrate'] as const) if (expected.commands[k] !== undefined) eq(`commands.${k}`, expected.commands[k], profile.commands[k]);
  if (expected.artifact !== undefined) eq('artifact', expected.artifact, profile.artifact ? `${profile.artifact.kind} ${profile.artifact.path ?? ''}`.trim() : null);
  if (expected.additionalRuntimes !== undefined) eq('additionalRuntimes', expected.additionalRuntimes, profile.additionalStacks.map((s) => s.runtime.name));
  eq('port', expected.port, profile.port);
  eq('tests.framework', expected.testFramework, profile.tests.framework);
  list('envVars', expected.envVars, profile.envVars);
  list('tables', expected.tables, profile.dataInventory.models.map((m) => m.name));
  list('ci', expected.ci, profile.ci.map((x) => x.provider));
  for (const [dir, sub] of Object.entries(expected.projects ?? {})) {
    const p = profile.projects.find((x) => x.path === dir);
    checks.push({ field: `projects[${dir}]`, expected: dir, actual: profile.projects.map((x) => x.path), ok: Boolean(p) });
    if (!p) continue;
    list(`projects[${dir}].frameworks`, sub.frameworks, p.frameworks.map((x) => x.name));
    eq(`projects[${dir}].packageManager`, sub.packageManager, p.packageManager);
    if (sub.port !== undefined) eq(`projects[${dir}].port`, sub.port, p.port);
  }
  return checks;
}

/**
 * Precision and recall over the list items (frameworks, env vars, tables, CI providers, per
 * project too): recall = expected items found / expected items, precision = found items that
 * were expected / found items.
 */
export function listFigures(checks: readonly FieldCheck[]): { expectedItems: number; found: number; foundAndExpected: number; falsePositives: number; precision: number; recall: number } {
  const listField = (c: FieldCheck) => /(^|\.)(frameworks|envVars|tables|ci)$/.test(c.field);
  const items = checks.filter((c) => listField(c) && !c.extra);
  const hits = items.filter((c) => c.ok).length;
  const falsePositives = checks.filter((c) => c.extra).length;
  const found = hits + falsePositives;
  return { expectedItems: items.length, found, foundAndExpected: hits, falsePositives, precision: found ? hits / found : 1, recall: items.length ? hits / items.length : 1 };
}
