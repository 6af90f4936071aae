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
  commands: { install: string | null; build: string | null; test: string | null; start: string | null };
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

/** Every field of the expectation, checked one by one (a framework, env var or table each counts as one field). */
export function checkProfile(profile: ProjectProfile, expected: Expected): FieldCheck[] {
  const checks: FieldCheck[] = [];
  const eq = (field: string, exp: unknown, act: unknown) => checks.push({ field, expected: exp, actual: act, ok: JSON.stringify(exp) === JSON.stringify(act) });
  const has = (field: string, exp: string, list: string[]) => checks.push({ field, expected: exp, actual: list, ok: list.includes(exp) });
  eq('primaryLanguage', expected.primaryLanguage, profile.primaryLanguage);
  for (const f of expected.frameworks) has('frameworks', f, profile.frameworks.map((x) => x.name));
  eq('packageManager', expected.packageManager, profile.packageManager);
  if (expected.buildTool !== undefined) eq('buildTool', expected.buildTool, profile.buildTool);
  eq('runtime', expected.runtime, profile.runtime?.name ?? null);
  if (expected.runtimeVersion) eq('runtimeVersion', expected.runtimeVersion, profile.runtime?.version ?? null);
  for (const k of ['install', 'build', 'test', 'start'] as const) eq(`commands.${k}`, expected.commands[k], profile.commands[k]);
  eq('port', expected.port, profile.port);
  eq('tests.framework', expected.testFramework, profile.tests.framework);
  for (const v of expected.envVars ?? []) has('envVars', v, profile.envVars);
  for (const t of expected.tables ?? []) has('tables', t, profile.dataInventory.models.map((m) => m.name));
  for (const c of expected.ci ?? []) has('ci', c, profile.ci.map((x) => x.provider));
  for (const [dir, sub] of Object.entries(expected.projects ?? {})) {
    const p = profile.projects.find((x) => x.path === dir);
    checks.push({ field: `projects[${dir}]`, expected: dir, actual: profile.projects.map((x) => x.path), ok: Boolean(p) });
    if (!p) continue;
    for (const f of sub.frameworks) has(`projects[${dir}].frameworks`, f, p.frameworks.map((x) => x.name));
    eq(`projects[${dir}].packageManager`, sub.packageManager, p.packageManager);
    if (sub.port !== undefined) eq(`projects[${dir}].port`, sub.port, p.port);
  }
  return checks;
}
