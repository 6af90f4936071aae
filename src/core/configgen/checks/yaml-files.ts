import { parseDocument } from 'yaml';
import type { CheckProblem } from '../types';

type Add = (rule: string, message: string, line?: number) => void;

/** Parses YAML with the `yaml` library: every error and warning is a problem; returns the value (undefined when it does not parse). */
export function parseYaml(file: string, content: string, problems: CheckProblem[]): unknown {
  const doc = parseDocument(content, { prettyErrors: true, uniqueKeys: true });
  for (const e of [...doc.errors, ...doc.warnings]) problems.push({ file, rule: 'yaml', message: e.message.split('\n')[0]!, ...(e.linePos?.[0] ? { line: e.linePos[0].line } : {}) });
  return doc.errors.length ? undefined : doc.toJS();
}

const record = (v: unknown): Record<string, unknown> | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined);

/** An image reference pinned to a tag that is not `latest` (or a digest); `$VAR` tags are GitLab's matrix and count as pinned when the variable's values are. */
export function unpinnedImage(image: string): string | undefined {
  if (image.includes('@sha256:')) return undefined;
  const tag = /:([^/:@]+)$/.exec(image)?.[1];
  if (!tag) return `${image} has no tag (it means latest)`;
  if (tag === 'latest') return `${image} uses the latest tag`;
  return undefined;
}

/**
 * GitHub Actions: GitHub's own parser (@actions/workflow-parser, what the Actions language server
 * runs) checks the workflow against the schema; ours add that it runs on push and pull request and
 * that every action is pinned to a version.
 */
export async function checkWorkflow(file: string, content: string): Promise<{ ran: string[]; problems: CheckProblem[] }> {
  const problems: CheckProblem[] = [];
  const add: Add = (rule, message, line) => problems.push({ file, rule, message, ...(line ? { line } : {}) });
  const value = record(parseYaml(file, content, problems));
  // ESM-only package: loaded when a workflow is checked.
  const { parseWorkflow, NoOperationTraceWriter, convertWorkflowTemplate } = await import('@actions/workflow-parser');
  const parsed = parseWorkflow({ name: file, content }, new NoOperationTraceWriter());
  if (parsed.value) await convertWorkflowTemplate(parsed.context, parsed.value);
  for (const e of parsed.context.errors.getErrors()) add('workflow', e.message);
  const on = record(value?.on);
  for (const event of ['push', 'pull_request']) if (!on || !(event in on)) add('workflow:triggers', `the workflow does not run on ${event}`);
  const jobs = record(value?.jobs) ?? {};
  for (const [id, job] of Object.entries(jobs)) {
    for (const step of (record(job)?.steps as unknown[] | undefined) ?? []) {
      const uses = record(step)?.uses;
      if (typeof uses === 'string' && !/@(v\d+(\.\d+){0,2}|[0-9a-f]{40})$/.test(uses)) add('workflow:pinned-actions', `job ${id} uses ${uses}: pin a version (@v4) or a commit`);
    }
  }
  return { ran: ['yaml', 'workflow (@actions/workflow-parser)', 'workflow:triggers', 'workflow:pinned-actions'], problems };
}

/** The keywords GitLab CI accepts at the top level besides jobs (docs.gitlab.com/ee/ci/yaml). */
const GITLAB_KEYWORDS = new Set(['default', 'include', 'stages', 'variables', 'workflow', 'image', 'services', 'cache', 'before_script', 'after_script', 'spec']);
const GITLAB_JOB_KEYS = new Set(['stage', 'image', 'script', 'before_script', 'after_script', 'parallel', 'variables', 'cache', 'artifacts', 'rules', 'needs', 'services', 'tags', 'when', 'allow_failure', 'timeout', 'retry', 'extends', 'dependencies', 'environment', 'coverage', 'interruptible', 'only', 'except', 'trigger', 'resource_group', 'release', 'secrets', 'id_tokens', 'hooks', 'inherit', 'pages', 'dast_configuration', 'identity', 'manual_confirmation', 'run']);

/**
 * GitLab CI: no maintained validator is published on npm (GitLab's own runs in GitLab, or behind
 * its API), so after the YAML parses, the structure the generator relies on is checked: known
 * top-level keywords, each job with a declared stage and a script of strings, pinned images.
 */
export function checkGitlabCi(file: string, content: string): { ran: string[]; problems: CheckProblem[] } {
  const problems: CheckProblem[] = [];
  const add: Add = (rule, message) => problems.push({ file, rule, message });
  const value = record(parseYaml(file, content, problems));
  if (value) {
    const stages = Array.isArray(value.stages) ? value.stages.map(String) : ['build', 'test', 'deploy'];
    const jobs = Object.entries(value).filter(([k]) => !GITLAB_KEYWORDS.has(k) && !k.startsWith('.'));
    if (!jobs.length) add('gitlab:jobs', 'the pipeline has no job');
    for (const [name, raw] of jobs) {
      const job = record(raw);
      if (!job) {
        add('gitlab:jobs', `${name} is not a job (a mapping with a script)`);
        continue;
      }
      for (const key of Object.keys(job)) if (!GITLAB_JOB_KEYS.has(key)) add('gitlab:keywords', `job ${name} has an unknown keyword ${key}`);
      if (!Array.isArray(job.script) || !job.script.length || !job.script.every((s) => typeof s === 'string')) add('gitlab:script', `job ${name} needs a script: a list of commands`);
      if (typeof job.stage === 'string' && !stages.includes(job.stage)) add('gitlab:stages', `job ${name} is in stage ${job.stage}, which stages does not declare`);
      const image = typeof job.image === 'string' ? job.image : undefined;
      const unpinned = image ? unpinnedImage(image) : undefined;
      if (unpinned) add('gitlab:pinned-image', `job ${name}: ${unpinned}`);
    }
    const defaults = record(value.default);
    for (const key of Object.keys(defaults ?? {})) if (!['image', 'services', 'cache', 'before_script', 'after_script', 'artifacts', 'retry', 'timeout', 'interruptible', 'tags', 'hooks', 'id_tokens', 'identity'].includes(key)) add('gitlab:keywords', `default has an unknown keyword ${key}`);
  }
  return { ran: ['yaml', 'gitlab:jobs', 'gitlab:keywords', 'gitlab:script', 'gitlab:stages', 'gitlab:pinned-image'], problems };
}

/**
 * Compose: the official compose-spec schema is not published on npm in a maintained package (the
 * one there is a 2021 snapshot), so after the YAML parses, the rules that matter here are checked:
 * every service with a pinned image and a health check, named volumes declared, ports as strings.
 */
export function checkCompose(file: string, content: string): { ran: string[]; problems: CheckProblem[] } {
  const problems: CheckProblem[] = [];
  const add: Add = (rule, message) => problems.push({ file, rule, message });
  const value = record(parseYaml(file, content, problems));
  if (value) {
    const services = record(value.services);
    if (!services || !Object.keys(services).length) add('compose:services', 'there is no service');
    const declared = new Set(Object.keys(record(value.volumes) ?? {}));
    for (const [name, raw] of Object.entries(services ?? {})) {
      const service = record(raw);
      if (!service) {
        add('compose:services', `service ${name} is not a mapping`);
        continue;
      }
      const unpinned = typeof service.image === 'string' ? unpinnedImage(service.image) : 'no image';
      if (unpinned) add('compose:pinned-image', `service ${name}: ${unpinned}`);
      const health = record(service.healthcheck);
      if (!health || !Array.isArray(health.test)) add('compose:healthcheck', `service ${name} has no health check`);
      for (const v of (service.volumes as unknown[] | undefined) ?? []) {
        const source = typeof v === 'string' ? v.split(':')[0]! : '';
        if (source && !source.startsWith('.') && !source.startsWith('/') && !declared.has(source)) add('compose:volumes', `service ${name} uses the volume ${source}, which volumes does not declare`);
      }
      for (const p of (service.ports as unknown[] | undefined) ?? []) if (typeof p !== 'string') add('compose:ports', `service ${name}: port ${String(p)} should be a quoted string (YAML reads 22:22 as a number in base 60)`);
    }
  }
  return { ran: ['yaml', 'compose:services', 'compose:pinned-image', 'compose:healthcheck', 'compose:volumes', 'compose:ports'], problems };
}
