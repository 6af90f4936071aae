import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { analyzeWorkspace } from '../analysis';
import { structureOf } from '../analysis/profile';
import type { TestRunOutcome } from '../deployment/types';
import type { Recommendation } from '../recommendation/types';
import { checkGeneratedFiles, formatProblems, repositorySecrets } from './checks';
import { defaultBranch, generateFromProfile } from './generate';
import { configKindsOf, deploymentFilesOf } from './kinds';
import type { GeneratedFile } from './types';
import { writeGeneratedFiles } from './write';

/** The framework name a deployment-configuration check run reports (coverage does not apply to it). */
export const CONFIG_CHECKS = 'deployment-config-checks';

export interface Baseline {
  /** Sandbox-relative files the templates wrote. */
  filesWritten: string[];
  /** What the model is told: the baseline, why each choice, what is unknown, the rules its changes must keep. */
  notes: string;
}

/**
 * The templates' baseline, written into the sandbox before the model adapts it: each kind the
 * recommendation asks for, generated from the sandbox's own profile. A file that exists already
 * is left as it is (the model improves it instead); a kind the profile cannot fill is described
 * as unknown for the model to work out.
 */
export async function writeBaseline(sandboxDir: string, recommendation: Recommendation): Promise<Baseline> {
  const kinds = configKindsOf(recommendation);
  const profile = await analyzeWorkspace(sandboxDir);
  const context = { files: structureOf(profile)?.files ?? [], defaultBranch: await defaultBranch(sandboxDir) };
  const filesWritten: string[] = [];
  const lines: string[] = [
    'This is a deployment-configuration change. Deploy Agent generated a baseline from the project profile; adapt it to this project where the profile could not know (a monorepo\'s workspace, build steps, services), keep what is right, and do not weaken the checks:',
    '- Dockerfile: pinned base images (a version tag, never latest), the dependency manifests copied and installed before the source, a non-root USER, no secret in ENV or ARG, an exec-form CMD.',
    '- Workflows and pipelines: valid YAML, GitHub\'s workflow schema, on push and pull_request, actions pinned to a version; GitLab jobs with a stage and a script; a declarative Jenkinsfile.',
    '- No secret value of the repository in any file; .env.example lists names with comments, no values.',
    'Your files are checked like tests: a failing check comes back to you with its rule.',
  ];
  for (const kind of kinds) {
    const result = generateFromProfile(profile, kind, context);
    const fresh = result.files.filter((f) => f.mode === 'merge' || !existsSync(path.join(sandboxDir, ...f.path.split('/'))));
    if (fresh.length) {
      writeGeneratedFiles(sandboxDir, fresh, { force: false });
      filesWritten.push(...fresh.map((f) => f.path));
    }
    lines.push('', `## ${kind}: ${fresh.length ? `wrote ${fresh.map((f) => f.path).join(', ')}` : result.files.length ? 'the files exist already: improve them' : `nothing generated (${result.skipped})`}`);
    for (const c of result.choices) lines.push(`- ${c.what}: ${c.value} — ${c.reason}`);
    for (const u of result.unknowns) lines.push(`- unknown — ${u.what}: ${u.why} (${u.hint})`);
  }
  if (!kinds.length) lines.push('', 'The recommendation names no kind of configuration Deploy Agent has a template for: write the files it asks for.');
  return { filesWritten, notes: lines.join('\n') };
}

/**
 * The checks of the deployment files in the sandbox as a test run: one test per file, failing
 * with its problems (which a repair round gets as its failing output, like a failing test).
 */
export async function checkSandboxConfig(sandboxDir: string, input: { repoRoot: string; filesWritten: readonly string[]; env?: NodeJS.ProcessEnv }): Promise<TestRunOutcome> {
  const started = Date.now();
  const files: GeneratedFile[] = deploymentFilesOf(input.filesWritten)
    .filter((p) => existsSync(path.join(sandboxDir, p)))
    .map((p) => ({ path: p, content: readFileSync(path.join(sandboxDir, p), 'utf8') }));
  if (!files.length) {
    return { counts: { passed: 0, failed: 0, skipped: 0 }, durationMs: Date.now() - started, framework: CONFIG_CHECKS, command: 'deployment configuration checks', failures: [], output: '', error: 'the change wrote no deployment file (Dockerfile, compose, CI pipeline, .env.example, release target) to check' };
  }
  const repo = await analyzeWorkspace(input.repoRoot);
  const secrets = await repositorySecrets(input.repoRoot, structureOf(repo)?.files ?? [], input.env ?? process.env);
  const reports = await checkGeneratedFiles(files, secrets);
  const failures = reports.filter((r) => r.problems.length).map((r) => ({ name: r.file, message: r.problems.map((p) => `[${p.rule}] ${p.message}`).join('; ') }));
  const output = [
    ...reports.map((r) => (r.problems.length ? `✗ ${r.file}` : `✓ ${r.file} (${r.ran.join(', ')})`)),
    ...(failures.length ? ['', formatProblems(reports)] : []),
  ].join('\n');
  return {
    counts: { passed: reports.length - failures.length, failed: failures.length, skipped: 0 },
    durationMs: Date.now() - started,
    framework: CONFIG_CHECKS,
    command: 'deployment configuration checks',
    failures,
    cases: reports.map((r) => ({ name: `checks of ${r.file}`, file: r.file, status: r.problems.length ? ('failed' as const) : ('passed' as const), ...(r.problems.length ? { message: r.problems.map((p) => `[${p.rule}] ${p.message}`).join('; ') } : {}) })),
    coverageNotApplicable: 'deployment-configuration checks measure no lines of code',
    output,
  };
}
