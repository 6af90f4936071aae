import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { analyzeWorkspace } from '../analysis';
import { DeployAgentError } from '../errors';
import { structureOf } from '../analysis/profile';
import { buildStructureMap } from '../analysis/structure';
import type { AnalyzeOptions, FileEntry, ProjectProfile } from '../analysis/types';
import { checkGeneratedFiles, repositorySecrets } from './checks';
import { ciPlan } from './ci/plan';
import { githubActionsWorkflow, gitlabCi, jenkinsfile } from './ci/render';
import { generateCompose } from './compose';
import { generateDockerfile } from './dockerfile';
import { generateEnvExample } from './env-example';
import { generateReleaseTarget } from './release-target';
import type { CheckReport, Choice, ConfigKind, GenerationResult, Unknown } from './types';

const run = promisify(execFile);

/** What the generators are given besides the profile: the workspace's files (with their facts) and the default branch. */
export interface GenerationContext {
  files: readonly FileEntry[];
  defaultBranch: { name: string; evidence: string | null };
  /** The workspace's projects (a monorepo's), so that what one project lacks can point to another; default: the profile's own. */
  projects?: readonly ProjectProfile[];
}

/** The file each CI kind writes. */
export const CI_FILES: Record<'github-actions' | 'gitlab-ci' | 'jenkins', string> = { 'github-actions': '.github/workflows/ci.yml', 'gitlab-ci': '.gitlab-ci.yml', jenkins: 'Jenkinsfile' };

/** One kind of configuration from a profile (no I/O but the reads of the project's own files). */
export function generateFromProfile(profile: ProjectProfile, kind: ConfigKind, context: GenerationContext): GenerationResult {
  switch (kind) {
    case 'dockerfile':
      return generateDockerfile(profile, context.files, context.projects);
    case 'compose':
      return generateCompose(profile);
    case 'env':
      return generateEnvExample(profile, context.files);
    case 'target':
      return generateReleaseTarget(profile, context.files, context.projects);
    default:
      return generateCi(profile, kind, context);
  }
}

function generateCi(profile: ProjectProfile, kind: 'github-actions' | 'gitlab-ci' | 'jenkins', context: GenerationContext): GenerationResult {
  const choices: Choice[] = [];
  const unknowns: Unknown[] = [];
  const plan = ciPlan(profile, choices, unknowns, kind);
  if (!plan) return { kind, files: [], choices, unknowns, skipped: unknowns.at(-1) ? `${unknowns.at(-1)!.what}: ${unknowns.at(-1)!.why}` : 'no CI plan' };
  const branch = context.defaultBranch;
  if (kind !== 'jenkins') {
    choices.push({ what: 'branch', value: branch.name, evidence: branch.evidence ? [branch.evidence] : [], reason: branch.evidence ? `the default branch (${branch.evidence})` : 'assumed: the repository has no remote default branch and is on no main or master branch', confidence: branch.evidence ? 0.9 : 0.4 });
    if (!branch.evidence) unknowns.push({ what: 'default branch', why: `none is known; ${branch.name} is assumed`, hint: 'Push the repository (origin/HEAD names it) or edit the branch in the file.' });
  }
  const content = kind === 'github-actions' ? githubActionsWorkflow(plan, branch.name) : kind === 'gitlab-ci' ? gitlabCi(plan, branch.name) : jenkinsfile(plan);
  return { kind, files: [{ path: CI_FILES[kind], content }], choices, unknowns };
}

/** The repository's default branch: origin's HEAD, else the current branch when it is main or master, else main (assumed). */
export async function defaultBranch(dir: string): Promise<GenerationContext['defaultBranch']> {
  const git = async (...args: string[]) => (await run('git', args, { cwd: dir }).catch(() => ({ stdout: '' }))).stdout.trim();
  const remote = await git('symbolic-ref', '--quiet', '--short', 'refs/remotes/origin/HEAD');
  if (remote.startsWith('origin/')) return { name: remote.slice('origin/'.length), evidence: 'origin/HEAD' };
  const current = await git('branch', '--show-current');
  if (current === 'main' || current === 'master') return { name: current, evidence: 'the current branch' };
  return { name: 'main', evidence: null };
}

export interface GenerateOptions extends AnalyzeOptions {
  /** A sub-project of a monorepo (its folder, workspace-relative). */
  project?: string;
  /** Leave out the secret check's gathering (tests of the generators alone). */
  env?: NodeJS.ProcessEnv;
}

export interface ConfigGeneration extends GenerationResult {
  profile: ProjectProfile;
  checks: CheckReport[];
}

/** Analyses a workspace and generates one kind of configuration from its profile, each file checked. */
export async function generateConfig(root: string, kind: ConfigKind, options: GenerateOptions = {}): Promise<ConfigGeneration> {
  return (await generateConfigs(root, [kind], options))[0]!;
}

/** Several kinds from one analysis (and one gathering of the repository's secrets). */
export async function generateConfigs(root: string, kinds: readonly ConfigKind[], options: GenerateOptions = {}): Promise<ConfigGeneration[]> {
  const workspace = await analyzeWorkspace(root, options);
  const profile = options.project && options.project !== '.' ? workspace.projects.find((p) => p.path === options.project) : workspace;
  if (!profile) {
    throw new DeployAgentError('PROJECT_NOT_FOUND', `There is no project at ${options.project} in ${root}.`, `Pass one of: ${['.', ...workspace.projects.map((p) => p.path)].join(', ')}.`);
  }
  const files = (structureOf(workspace) ?? (await buildStructureMap(root, options))).files;
  const context: GenerationContext = { files, defaultBranch: await defaultBranch(root), projects: workspace.projects };
  const secrets = await repositorySecrets(workspace.root, files, options.env ?? process.env);
  const out: ConfigGeneration[] = [];
  for (const kind of kinds) {
    const result = generateFromProfile(profile, kind, context);
    out.push({ ...result, profile, checks: await checkGeneratedFiles(result.files, secrets) });
  }
  return out;
}
