import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { isIncidental } from '../analysis/detect/context';
import type { FileEntry, ProjectProfile } from '../analysis/types';

export interface HealthEndpoint {
  path: string;
  /** Workspace-relative file that declares it (or the manifest for a framework's built-in one). */
  evidence: string;
  reason: string;
}

/** Route paths that answer "is it up" by convention, most specific first. */
const HEALTH_PATHS = ['/healthz', '/health', '/healthcheck', '/_health', '/api/health', '/health/live', '/livez', '/readyz', '/ready', '/up', '/ping'];
const LITERAL = new RegExp(`(["'\`])(${HEALTH_PATHS.map((p) => p.replace(/\//g, '\\/')).join('|')})\\1`);
const MAX_FILES = 400;
const MAX_BYTES = 256 * 1024;

/**
 * A health endpoint the application serves, when one is known: a framework's built-in one (Spring
 * Boot Actuator, Rails 7.1's `/up`), else a route literal in the application's own source
 * (entry points first; tests, fixtures and examples are not the application).
 */
export function findHealthEndpoint(profile: ProjectProfile, files: readonly FileEntry[]): HealthEndpoint | undefined {
  const dep = (name: string) => profile.dependencies.some((d) => d.name === name);
  const manifest = profile.detections.packageManager?.evidence[0] ?? profile.path;
  if (dep('org.springframework.boot:spring-boot-starter-actuator')) return { path: '/actuator/health', evidence: manifest, reason: 'Spring Boot Actuator is a dependency: it serves /actuator/health' };
  const prefix = profile.path === '.' ? '' : `${profile.path}/`;
  const routes = readText(profile.root, `${prefix}config/routes.rb`);
  if (routes && /rails\/health#show/.test(routes)) {
    const at = /(?:get|match)\s+["']([^"']+)["']\s*(?:=>|,\s*to:)\s*["']rails\/health#show/.exec(routes)?.[1] ?? 'up';
    return { path: `/${at.replace(/^\//, '')}`, evidence: `${prefix}config/routes.rb`, reason: "Rails's health check (rails/health#show) in config/routes.rb" };
  }
  const languages = new Set(profile.languages.map((l) => l.name));
  const candidates = files
    .filter((f) => f.kind === 'source' && f.path.startsWith(prefix) && f.language && languages.has(f.language) && !isIncidental(f.path.slice(prefix.length)) && f.size <= MAX_BYTES)
    .sort((a, b) => Number(profile.entryPoints.includes(b.path)) - Number(profile.entryPoints.includes(a.path)) || a.path.split('/').length - b.path.split('/').length)
    .slice(0, MAX_FILES);
  let best: HealthEndpoint | undefined;
  for (const f of candidates) {
    const m = LITERAL.exec(readText(profile.root, f.path) ?? '');
    if (!m) continue;
    const found = { path: m[2]!, evidence: f.path, reason: `the route ${m[2]} in ${f.path}` };
    if (!best || HEALTH_PATHS.indexOf(found.path) < HEALTH_PATHS.indexOf(best.path)) best = found;
    if (best.path === HEALTH_PATHS[0]) break;
  }
  return best;
}

function readText(root: string, rel: string): string | undefined {
  try {
    const file = path.join(root, rel);
    if (statSync(file).size > MAX_BYTES) return undefined;
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
