import { existsSync } from 'node:fs';
import path from 'node:path';
import { DeployAgentError } from '../errors';
import type { ContextInfo, DeploymentChoice } from './ports';

/**
 * The user's correction of the ranked integration points (the panel's preview: untick a point,
 * add a file). Paths are workspace-relative with forward slashes; anything that would leave the
 * repository is refused before the deployment starts, like a path the model gives a tool.
 */

/** A ranked integration point as the context step hands it to the phases. */
export interface IntegrationPointEntry {
  path: string;
  score?: number;
  reason?: string;
  symbols?: string[];
}

export const ADDED_BY_USER = 'added by the user';

/** The choice with its paths normalised (and duplicates dropped); throws INVALID_CHOICE for a path outside the workspace. */
export function normalizeChoice(choice: DeploymentChoice | undefined): Required<DeploymentChoice> | undefined {
  if (!choice) return undefined;
  const clean = (list: string[] | undefined, what: string) => [...new Set((list ?? []).map((p) => normalizeRelative(p, what)))];
  const normalized = { excludedIntegrationPoints: clean(choice.excludedIntegrationPoints, 'an excluded integration point'), addedFiles: clean(choice.addedFiles, 'an added file') };
  return normalized.excludedIntegrationPoints.length || normalized.addedFiles.length ? normalized : undefined;
}

function normalizeRelative(input: string, what: string): string {
  const refuse = (why: string) =>
    new DeployAgentError('INVALID_CHOICE', `${JSON.stringify(input)} cannot be ${what}: ${why}.`, 'Give a path relative to the workspace folder, inside it (for example src/app.ts).');
  if (typeof input !== 'string' || !input.trim()) throw refuse('it is empty');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f]/.test(input)) throw refuse('it contains control characters');
  const slashed = input.trim().replace(/\\/g, '/');
  if (path.posix.isAbsolute(slashed) || /^[a-zA-Z]:\//.test(slashed)) throw refuse('it is an absolute path');
  const normalized = path.posix.normalize(slashed).replace(/^\.\//, '').replace(/\/$/, '');
  if (normalized === '..' || normalized.startsWith('../') || normalized === '.' || normalized === '') throw refuse('it is outside the workspace');
  if (normalized === '.git' || normalized.startsWith('.git/')) throw refuse('it is inside .git');
  return normalized;
}

/**
 * The integration points the phases see: the user's excluded points removed, the added files
 * first (an added file that was ranked keeps its symbols), the rest in rank order.
 */
export function applyChoice(points: readonly IntegrationPointEntry[], choice: DeploymentChoice | undefined, repoRoot?: string): IntegrationPointEntry[] {
  const normalized = normalizeChoice(choice);
  if (!normalized) return [...points];
  const excluded = new Set(normalized.excludedIntegrationPoints);
  const added = normalized.addedFiles.filter((f) => !excluded.has(f));
  const addedSet = new Set(added);
  const first = added.map((file) => {
    const ranked = points.find((p) => p.path === file);
    const missing = repoRoot && !existsSync(path.join(repoRoot, file)) ? ' (it does not exist yet)' : '';
    return { ...(ranked ?? {}), path: file, reason: `${ADDED_BY_USER}${missing}${ranked?.reason ? `; ${ranked.reason}` : ''}` };
  });
  return [...first, ...points.filter((p) => !excluded.has(p.path) && !addedSet.has(p.path))];
}

/** The context step: the user's choice applied to the ranked points and kept in the context (the phases' prompts state it). */
export function withChoice(context: ContextInfo, choice: DeploymentChoice, repoRoot: string): ContextInfo {
  const normalized = normalizeChoice(choice);
  if (!normalized) return context;
  const integration = (context.integration ??= {});
  const points = Array.isArray(integration.integrationPoints) ? (integration.integrationPoints as IntegrationPointEntry[]) : [];
  integration.integrationPoints = applyChoice(points, normalized, repoRoot);
  context.choice = normalized;
  return context;
}
