import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { analyzeWorkspace } from '../analysis';
import { structureOf } from '../analysis/profile';
import type { AnalyzeOptions, ProjectProfile } from '../analysis/types';
import type { Recommendation } from '../recommendation/types';
import { saveGeneratedRecommendation, type SaveOutcome } from '../recommendation/workspace';
import { DeployAgentError } from '../errors';
import { CI_FILES, defaultBranch, generateFromProfile, type GenerationContext } from './generate';
import { ProjectFiles } from './project-files';
import { BUILTIN_PREFIX } from './kinds';
import type { ConfigKind } from './types';
import { plural } from '../plural';

const run = promisify(execFile);

/** One built-in recommendation, as the CLI lists it and the panel shows it. */
export interface BuiltinRecommendation {
  id: string;
  kind: ConfigKind;
  recommendation: Recommendation;
  /** Why it is offered: what the profile shows missing. */
  why: string;
  /** The templates can produce the files (else the model writes them from scratch, and `unknowns` says what it must find out). */
  templated: boolean;
  unknowns: string[];
}

const ENV_TEMPLATES = ['.env.example', '.env.sample', '.env.template', '.env.dist'];

interface Spec {
  kind: ConfigKind;
  title: string;
  description: string;
  acceptance: string[];
  priority: Recommendation['priority'];
}

function specs(profile: ProjectProfile): Spec[] {
  const start = profile.commands.start ? ` (\`${profile.commands.start}\`)` : '';
  return [
    {
      kind: 'dockerfile',
      title: 'Add a Dockerfile',
      description: `Containerize the application: a multi-stage Dockerfile with the runtime version pinned, the dependencies installed from the manifests before the source, a non-root user, the port exposed, a health check where there is a health endpoint, and the production start command${start} in exec form; a .dockerignore that keeps secrets and build output out of the image.`,
      acceptance: ['The Dockerfile passes the Dockerfile checks (pinned base image, no latest, non-root user, no secrets in ENV/ARG, manifests before the install, exec-form CMD).', 'The .dockerignore keeps .env and key files out of the build context.', 'The CMD is the production start command of the project.'],
      priority: 'high',
    },
    {
      kind: 'github-actions',
      title: 'Add CI with GitHub Actions',
      description: 'A GitHub Actions workflow on push and pull request to the default branch: set up the runtime with the package manager\'s cache, install, lint, type-check, test and build, over the runtime versions the manifest declares.',
      acceptance: ['The workflow validates with GitHub\'s workflow parser.', 'It runs on push and pull_request to the default branch, with every action pinned to a version.', 'Its install and test steps are the project\'s own commands.'],
      priority: 'high',
    },
    {
      kind: 'gitlab-ci',
      title: 'Add CI with GitLab CI',
      description: 'A .gitlab-ci.yml with lint, test and build stages in a pinned image, the package manager\'s cache keyed on the lockfile, on merge requests and the default branch.',
      acceptance: ['The pipeline parses and every job has a stage and a script.', 'Images are pinned; the test job covers the declared runtime versions.'],
      priority: 'medium',
    },
    {
      kind: 'jenkins',
      title: 'Add CI with Jenkins',
      description: 'A declarative Jenkinsfile: a Docker agent with the pinned runtime image, a matrix of the declared runtime versions, one stage per step (install, lint, type-check, test, build), a time limit.',
      acceptance: ['The Jenkinsfile is a well-formed declarative pipeline with an agent, stages and steps.'],
      priority: 'low',
    },
    {
      kind: 'compose',
      title: 'Add docker compose for local services',
      description: 'A compose file with the backing services the code needs for local development (databases, caches, brokers found in the dependencies and configuration), pinned images, named volumes, health checks, ports on 127.0.0.1.',
      acceptance: ['Every service has a pinned image, a health check and a named volume for its data.', 'No production credential is in the file.'],
      priority: 'medium',
    },
    {
      kind: 'env',
      title: 'Add .env.example',
      description: 'Document the environment variables the application reads in a committed .env.example: each name, where it is read and what it is for — never a value from the repository.',
      acceptance: ['Every environment variable the application reads is listed by name with a comment.', 'No value is written.'],
      priority: 'medium',
    },
    {
      kind: 'target',
      title: 'Add a release target',
      description: 'A release target in .deploy-agent/config.json so that `deploy-agent release` can put the application somewhere: install, build, migrate, start and the health check from the project.',
      acceptance: ['The target validates against Deploy Agent\'s targets schema and resolves to a runnable start.'],
      priority: 'medium',
    },
  ];
}

/** What the profile shows missing for each kind, or undefined when it is there already. */
function missing(profile: ProjectProfile, files: ProjectFiles, kind: ConfigKind, remote: string): string | undefined {
  switch (kind) {
    case 'dockerfile':
      return profile.docker.dockerfiles.length ? undefined : 'the project has no Dockerfile';
    case 'compose':
      return profile.docker.compose.length ? undefined : 'the project has no compose file, and its code uses backing services';
    case 'env':
      return ENV_TEMPLATES.some((t) => files.has(t)) || !profile.envVars.length ? undefined : `the code reads ${plural(profile.envVars.length, 'environment variable')} and no .env.example documents ${profile.envVars.length === 1 ? 'it' : 'them'}`;
    case 'target': {
      const config = files.json<{ targets?: Record<string, unknown> }>('.deploy-agent/config.json');
      return config?.targets && Object.keys(config.targets).length ? undefined : 'no release target is configured in .deploy-agent/config.json';
    }
    default: {
      if (profile.ci.length) return undefined;
      const host = /gitlab/i.test(remote) ? 'gitlab-ci' : /github\.com/i.test(remote) ? 'github-actions' : undefined;
      return host && host !== kind ? undefined : `the project has no CI pipeline${host ? ` (its remote is on ${host === 'gitlab-ci' ? 'GitLab' : 'GitHub'})` : ''}`;
    }
  }
}

/**
 * The built-in deployment-configuration recommendations a project is missing, from its profile:
 * "Add a Dockerfile", "Add CI with GitHub Actions / GitLab CI / Jenkins" (only the one matching
 * the remote's host when there is one), "Add docker compose for local services", "Add
 * .env.example", "Add a release target". Each is an ordinary recommendation (category
 * `deployment-config`, id `deployment-config/<kind>`): saved, it is listed and deployed like any.
 */
export function missingDeploymentConfig(profile: ProjectProfile, context: GenerationContext & { remote?: string }): BuiltinRecommendation[] {
  const files = new ProjectFiles(profile);
  const out: BuiltinRecommendation[] = [];
  for (const spec of specs(profile)) {
    const why = missing(profile, files, spec.kind, context.remote ?? '');
    if (!why) continue;
    const generated = generateFromProfile(profile, spec.kind, context);
    // A compose file for a project that needs no service, a template for a project without variables: nothing is missing.
    if (!generated.files.length && (spec.kind === 'compose' || spec.kind === 'env')) continue;
    const targetFiles = generated.files.length ? generated.files.map((f) => (profile.path === '.' ? f.path : `${profile.path}/${f.path}`)) : defaultFiles(spec.kind);
    out.push({
      id: `${BUILTIN_PREFIX}${spec.kind}`,
      kind: spec.kind,
      why,
      templated: generated.files.length > 0,
      unknowns: generated.unknowns.map((u) => `${u.what}: ${u.why}`),
      recommendation: {
        id: `${BUILTIN_PREFIX}${spec.kind}`,
        title: spec.title,
        description: spec.description,
        category: 'deployment-config',
        acceptanceCriteria: spec.acceptance,
        targetFiles,
        priority: spec.priority,
      },
    });
  }
  return out;
}

function defaultFiles(kind: ConfigKind): string[] {
  switch (kind) {
    case 'dockerfile':
      return ['Dockerfile', '.dockerignore'];
    case 'compose':
      return ['compose.yaml'];
    case 'env':
      return ['.env.example'];
    case 'target':
      return ['.deploy-agent/config.json'];
    default:
      return [CI_FILES[kind]];
  }
}

/**
 * The core function the CLI (`recommendations --missing`) and the panel call: analyses the
 * workspace (cached) and lists the built-in deployment-configuration recommendations it misses.
 */
export async function listMissingDeploymentConfig(workspaceDir: string, options: AnalyzeOptions = {}): Promise<{ profile: ProjectProfile; recommendations: BuiltinRecommendation[] }> {
  const profile = await analyzeWorkspace(workspaceDir, options);
  const files = structureOf(profile)?.files ?? [];
  const remote = (await run('git', ['remote', 'get-url', 'origin'], { cwd: workspaceDir }).catch(() => ({ stdout: '' }))).stdout.trim();
  return { profile, recommendations: missingDeploymentConfig(profile, { files, defaultBranch: await defaultBranch(workspaceDir), remote }) };
}

/**
 * Saves a built-in recommendation as a file of the workspace (`.deploy-agent/recommendations/`),
 * ready to deploy: once — saved again it is `unchanged`, and a file of its name that differs is
 * replaced only with `force` (see saveGeneratedRecommendation).
 */
export async function saveBuiltinRecommendation(workspaceDir: string, id: string, options: AnalyzeOptions & { force?: boolean } = {}): Promise<{ file: string; relativePath: string; outcome: SaveOutcome }> {
  const { force, ...analysis } = options;
  const { recommendations } = await listMissingDeploymentConfig(workspaceDir, analysis);
  const found = recommendations.find((r) => r.id === id || r.kind === id);
  if (!found) {
    throw new DeployAgentError('RECOMMENDATION_NOT_OFFERED', `${id} is not among the deployment configuration this workspace misses (${recommendations.map((r) => r.kind).join(', ') || 'none'}).`, 'Run `deploy-agent recommendations --missing` to see what is offered.');
  }
  return saveGeneratedRecommendation(workspaceDir, found.recommendation, { force });
}
