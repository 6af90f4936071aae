import type { FileEntry, ProjectProfile } from '../analysis/types';
import { installDefault, type TargetConfig } from '../release/targets';
import { findHealthEndpoint } from './health-endpoint';
import { noStartHint } from './hints';
import type { Choice, GenerationResult, Unknown } from './types';
import { plural } from '../plural';

export const TARGET_NAME = 'local';

/**
 * A release target for `.deploy-agent/config.json` ([release]): a `local` target (a folder on this
 * machine, the application supervised by Deploy Agent) — the one that needs nothing the profile
 * cannot know — with install, build, migrate, start and the health check from the profile. A
 * server target needs its host and user: said as an unknown, not invented.
 */
export function generateReleaseTarget(profile: ProjectProfile, files: readonly FileEntry[], projects: readonly ProjectProfile[] = profile.projects): GenerationResult {
  const choices: Choice[] = [];
  const unknowns: Unknown[] = [];
  const start = profile.commands.start;
  if (!start) {
    unknowns.push({ what: 'start command', why: profile.detections['commands.start']?.reason ?? 'the profile found no production start command', hint: noStartHint(profile, projects, 'Add a start script (or a Procfile web: line), or set "start" in the target yourself.') });
    return { kind: 'target', files: [], choices, unknowns, skipped: 'no production start command: a target could not run the application' };
  }
  const name = (profile.name ?? 'app').replace(/^@[^/]+\//, '').replace(/[^A-Za-z0-9._-]+/g, '-') || 'app';
  const target: TargetConfig = { type: 'local', path: `~/.deploy-agent/releases/${name}`, environment: 'development', keepReleases: 3 };
  choices.push({ what: 'target', value: `${TARGET_NAME} (type local, ${target.path})`, evidence: [], reason: 'a folder on this machine needs no server: the quickest way to try a release; add an ssh target for a server', confidence: 0.9 });
  const steps: NonNullable<TargetConfig['steps']> = {};
  const install = installDefault(profile);
  if (install) steps.install = install;
  if (profile.commands.build) steps.build = profile.commands.build;
  if (profile.commands.migrate) steps.migrate = profile.commands.migrate;
  for (const [key, value] of Object.entries(steps)) {
    const d = profile.detections[key === 'install' ? 'commands' : `commands.${key}`];
    choices.push({ what: `steps.${key}`, value, evidence: d?.evidence ?? [], reason: d?.reason ?? (key === 'install' ? "the project's install (production dependencies only when nothing is built)" : 'from the profile'), confidence: d?.confidence ?? 0.8 });
  }
  if (Object.keys(steps).length) target.steps = steps;
  target.start = start;
  const startDetection = profile.detections['commands.start'];
  choices.push({ what: 'start', value: start, evidence: startDetection?.evidence ?? [], reason: startDetection?.reason ?? 'the production start', confidence: startDetection?.confidence ?? 0.7 });
  if (profile.envVars.length) {
    target.shared = ['.env'];
    choices.push({ what: 'shared', value: '.env', evidence: [], reason: `the application reads ${plural(profile.envVars.length, 'environment variable')}: ${profile.envVars.length === 1 ? 'its value lives' : 'their values live'} live in the target's shared/.env, never sent from this machine`, confidence: 0.8 });
  }
  const health = findHealthEndpoint(profile, files);
  if (profile.port !== null) {
    target.appPort = profile.port;
    choices.push({ what: 'appPort', value: String(profile.port), evidence: profile.detections.port?.evidence ?? [], reason: 'the port the application listens on', confidence: profile.detections.port?.confidence ?? 0.5 });
    if (health && start !== 'php-fpm') {
      target.healthCheck = { url: `http://127.0.0.1:${profile.port}${health.path}`, expectStatus: 200, timeoutMs: 30000 };
      choices.push({ what: 'healthCheck', value: target.healthCheck.url, evidence: [health.evidence], reason: health.reason, confidence: 0.85 });
    }
  }
  if (!target.healthCheck) unknowns.push({ what: 'health check', why: health ? 'the application speaks FastCGI (PHP-FPM), not HTTP' : 'no health route was found in the code', hint: 'Add a GET /health and generate again, or set healthCheck.url in the target.' });
  unknowns.push({ what: 'server', why: 'the host, user and folder of a server cannot be read from the code', hint: 'Add an ssh target beside this one: "staging": { "type": "ssh", "hosts": ["…"], "user": "deploy", "path": "/srv/app" } (docs/release.md).' });
  const content = `${JSON.stringify({ targets: { [TARGET_NAME]: target } }, null, 2)}\n`;
  return { kind: 'target', files: [{ path: '.deploy-agent/config.json', content, mode: 'merge' }], choices, unknowns };
}
