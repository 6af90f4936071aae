import type { Recommendation } from '../recommendation/types';
import type { ConfigKind } from './types';

/**
 * Which recommendations are deployment configuration, and which kinds each asks for: what the
 * pipeline needs to know, kept apart from the generators so that it loads nothing heavy.
 */

/** The id prefix of the built-in deployment-configuration recommendations: `deployment-config/<kind>`. */
export const BUILTIN_PREFIX = 'deployment-config/';

/**
 * Which kinds of configuration a recommendation asks for: the built-in's id, else the deployment
 * files it targets. A recommendation that names none gets no template (the model writes it all,
 * and the same checks apply to whatever deployment files it writes).
 */
export function configKindsOf(recommendation: Pick<Recommendation, 'id' | 'targetFiles' | 'category'>): ConfigKind[] {
  if (recommendation.id?.startsWith(BUILTIN_PREFIX)) {
    const kind = recommendation.id.slice(BUILTIN_PREFIX.length) as ConfigKind;
    return KIND_OF_FILE.some(([, k]) => k === kind) ? [kind] : [];
  }
  const kinds = new Set<ConfigKind>();
  for (const file of recommendation.targetFiles ?? []) for (const [re, kind] of KIND_OF_FILE) if (re.test(file)) kinds.add(kind);
  return [...kinds];
}

/** Deployment files by path, and the kind of configuration each is. */
export const KIND_OF_FILE: [RegExp, ConfigKind][] = [
  [/(^|\/)(Dockerfile(\.[\w-]+)?|Containerfile|\.dockerignore)$/, 'dockerfile'],
  [/(^|\/)(docker-)?compose(\.[\w-]+)?\.ya?ml$/, 'compose'],
  [/(^|\/)\.github\/workflows\/[^/]+\.ya?ml$/, 'github-actions'],
  [/(^|\/)\.gitlab-ci\.ya?ml$/, 'gitlab-ci'],
  [/(^|\/)Jenkinsfile$/, 'jenkins'],
  [/(^|\/)\.env\.(example|sample|template)$/, 'env'],
  [/(^|\/)\.deploy-agent\/config\.json$/, 'target'],
];

/** Whether the pipeline treats a recommendation as deployment configuration (templates, then the model, then the checks as its tests). */
export function isDeploymentConfigRecommendation(recommendation: Pick<Recommendation, 'id' | 'targetFiles' | 'category'>): boolean {
  return recommendation.category === 'deployment-config' || (recommendation.category === 'ci' && configKindsOf(recommendation).length > 0);
}

/** The deployment files among some paths (the checks run on them). */
export function deploymentFilesOf(paths: readonly string[]): string[] {
  return paths.filter((p) => KIND_OF_FILE.some(([re]) => re.test(p)));
}
