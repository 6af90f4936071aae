import { existsSync } from 'node:fs';
import os from 'node:os';
import type { EnvironmentDetection, EnvironmentEvidence } from './types';

/** Regular expressions (as strings, case-insensitive) per environment, for branches and host names. */
export interface EnvironmentPatterns {
  branches: Record<string, string[]>;
  hostnames: Record<string, string[]>;
}

export const DEFAULT_ENVIRONMENT_PATTERNS: EnvironmentPatterns = {
  branches: {
    production: ['^(main|master)$', '^release([/-].*)?$', '^prod(uction)?$', '^hotfix/'],
    staging: ['^stag(e|ing)([/-].*)?$', '^pre-?prod', '^uat$'],
    development: ['^dev(elop(ment)?)?$', '^feature/', '^feat/', '^fix/', '^bugfix/', '^chore/'],
  },
  hostnames: {
    production: ['(^|[-.])prod(uction)?([-.\\d]|$)', '^prd[-.]'],
    staging: ['(^|[-.])stag(e|ing)([-.\\d]|$)', '(^|[-.])uat([-.\\d]|$)'],
    development: ['(^|[-.])dev([-.\\d]|$)', 'laptop', 'desktop', '\\.local$'],
  },
};

const CI_VARIABLES = ['GITHUB_ACTIONS', 'GITLAB_CI', 'CIRCLECI', 'TRAVIS', 'JENKINS_URL', 'BUILDKITE', 'TF_BUILD', 'TEAMCITY_VERSION', 'BITBUCKET_BUILD_NUMBER', 'CI'];

/** Weight of each source: an explicit setting is decisive, the rest adds up. */
const WEIGHTS = { setting: 10, 'env-var': 10, 'release-target': 10, ci: 3, machine: 3, branch: 2, hostname: 2, container: 1 } as const;

export interface DetectEnvironmentInput {
  /** `deployAgent.environment` when set (not 'auto'). */
  setting?: string;
  env?: NodeJS.ProcessEnv;
  /** Current git branch. */
  branch?: string;
  hostname?: string;
  patterns?: Partial<EnvironmentPatterns>;
  /** For tests: whether a path exists (container markers). */
  fileExists?: (file: string) => boolean;
  /** The release target a deployment goes to, when it names its environment (a release, src/core/release). */
  releaseTarget?: { name: string; environment?: string };
}

/**
 * Detects the deployment environment from every source and says what pointed where.
 *
 * Decisive, in this order: `deployAgent.environment`, DEPLOYMENT_ENVIRONMENT, the release target's
 * environment. Otherwise a **developer machine** — no CI variable, not in Kubernetes, a host name
 * that is not a server's — is `development`: the branch is not evidence there (a laptop on `main`
 * is not production), and it is shown as evidence not applied. In CI, in a cluster or on a server
 * the sources are weighed as before: CI variables, the branch, the host name, container markers.
 */
export function detectEnvironment(input: DetectEnvironmentInput = {}): EnvironmentDetection {
  const env = input.env ?? process.env;
  const exists = input.fileExists ?? existsSync;
  const patterns: EnvironmentPatterns = {
    branches: input.patterns?.branches ?? DEFAULT_ENVIRONMENT_PATTERNS.branches,
    hostnames: input.patterns?.hostnames ?? DEFAULT_ENVIRONMENT_PATTERNS.hostnames,
  };
  const evidence: EnvironmentEvidence[] = [];

  const setting = input.setting?.trim();
  if (setting && setting !== 'auto') evidence.push({ source: 'setting', value: `deployAgent.environment=${setting}`, suggests: setting.toLowerCase(), weight: WEIGHTS.setting });
  const fromVar = env.DEPLOYMENT_ENVIRONMENT?.trim();
  if (fromVar) evidence.push({ source: 'env-var', value: `DEPLOYMENT_ENVIRONMENT=${fromVar}`, suggests: normalizeName(fromVar), weight: WEIGHTS['env-var'] });

  const ciVar = CI_VARIABLES.find((name) => isTruthy(env[name]));
  if (ciVar) evidence.push({ source: 'ci', value: `${ciVar}=${env[ciVar]}`, suggests: 'ci', weight: WEIGHTS.ci });

  const branch = input.branch ?? env.GITHUB_HEAD_REF ?? env.GITHUB_REF_NAME;
  if (branch) {
    const match = firstMatch(patterns.branches, branch);
    if (match) evidence.push({ source: 'branch', value: `branch ${branch}`, suggests: match, weight: WEIGHTS.branch });
  }

  const hostname = input.hostname ?? safeHostname();
  if (hostname) {
    const match = firstMatch(patterns.hostnames, hostname);
    if (match) evidence.push({ source: 'hostname', value: `host ${hostname}`, suggests: match, weight: WEIGHTS.hostname });
  }

  const containerMarks: string[] = [];
  if (exists('/.dockerenv')) containerMarks.push('/.dockerenv');
  if (exists('/run/.containerenv')) containerMarks.push('/run/.containerenv');
  if (env.KUBERNETES_SERVICE_HOST) containerMarks.push('KUBERNETES_SERVICE_HOST');
  // A container says little about the environment by itself; Kubernetes hints at a deployed one.
  if (containerMarks.length) {
    evidence.push({ source: 'container', value: containerMarks.join(', '), suggests: env.KUBERNETES_SERVICE_HOST ? 'staging' : 'development', weight: WEIGHTS.container });
  }

  const target = input.releaseTarget?.environment?.trim();
  if (target) evidence.push({ source: 'release-target', value: `release target ${input.releaseTarget!.name}: ${target}`, suggests: normalizeName(target), weight: WEIGHTS['release-target'] });

  const explicit = evidence.find((e) => e.source === 'setting') ?? evidence.find((e) => e.source === 'env-var') ?? evidence.find((e) => e.source === 'release-target');
  const inCi = Boolean(ciVar);
  const inContainer = containerMarks.length > 0;
  if (explicit) {
    return { environment: explicit.suggests, confidence: 1, evidence, inCi, inContainer };
  }
  const serverHost = evidence.some((e) => e.source === 'hostname' && e.suggests !== 'development');
  const developerMachine = !inCi && !env.KUBERNETES_SERVICE_HOST && !serverHost;
  if (developerMachine) {
    for (const e of evidence) {
      if (e.source === 'branch') Object.assign(e, { applied: false, note: 'branch patterns apply in CI only: on a developer machine a branch says nothing about where the change runs' });
    }
    evidence.push({ source: 'machine', value: 'a developer machine (no CI variable, not in Kubernetes, not a server host name)', suggests: 'development', weight: WEIGHTS.machine });
  }
  const totals = new Map<string, number>();
  for (const e of evidence) if (e.applied !== false) totals.set(e.suggests, (totals.get(e.suggests) ?? 0) + e.weight);
  let best: string | undefined;
  let bestWeight = 0;
  for (const [name, weight] of totals) {
    // Ties go to the safer environment (production over the others).
    if (weight > bestWeight || (weight === bestWeight && best !== undefined && safety(name) > safety(best))) {
      best = name;
      bestWeight = weight;
    }
  }
  const total = [...totals.values()].reduce((a, b) => a + b, 0);
  if (!best) return { environment: 'development', confidence: 0.3, evidence, inCi, inContainer };
  // Confidence: share of the evidence for the winner, damped when the evidence is thin.
  const confidence = Math.round((bestWeight / total) * Math.min(1, total / 4) * 100) / 100;
  return { environment: best, confidence, evidence, inCi, inContainer };
}

function safety(name: string): number {
  return name === 'production' ? 3 : name === 'staging' ? 2 : name === 'ci' ? 1 : 0;
}

function normalizeName(value: string): string {
  const v = value.toLowerCase();
  if (/^prod/.test(v)) return 'production';
  if (/^stag/.test(v)) return 'staging';
  if (/^dev/.test(v)) return 'development';
  return v;
}

function firstMatch(table: Record<string, string[]>, value: string): string | undefined {
  for (const [name, list] of Object.entries(table)) {
    for (const source of list) {
      try {
        if (new RegExp(source, 'i').test(value)) return name;
      } catch {
        // An invalid configured pattern never matches; the settings schema reports it.
      }
    }
  }
  return undefined;
}

function isTruthy(value: string | undefined): boolean {
  return value !== undefined && value !== '' && value !== '0' && value.toLowerCase() !== 'false';
}

function safeHostname(): string | undefined {
  try {
    return os.hostname();
  } catch {
    return undefined;
  }
}

/** `deployAgent.environment` and `deployAgent.environmentPatterns` (added to the built-in patterns, checked first). */
export function environmentSettings(config?: { get<T>(key: string): T }): { setting?: string; patterns?: EnvironmentPatterns } {
  if (!config) return {};
  const extra = config.get<Partial<EnvironmentPatterns>>('environmentPatterns') ?? {};
  const merge = (defaults: Record<string, string[]>, added: Record<string, string[]> = {}) => {
    const out: Record<string, string[]> = {};
    for (const name of new Set([...Object.keys(added), ...Object.keys(defaults)])) out[name] = [...(added[name] ?? []), ...(defaults[name] ?? [])];
    return out;
  };
  return {
    setting: config.get<string>('environment'),
    patterns: { branches: merge(DEFAULT_ENVIRONMENT_PATTERNS.branches, extra.branches), hostnames: merge(DEFAULT_ENVIRONMENT_PATTERNS.hostnames, extra.hostnames) },
  };
}
