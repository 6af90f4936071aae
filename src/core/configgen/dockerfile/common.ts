import type { ProjectProfile } from '../../analysis/types';
import type { HealthEndpoint } from '../health-endpoint';
import type { ProjectFiles } from '../project-files';
import type { RuntimeVersion } from '../runtime-versions';
import type { StartInImage } from '../start-command';
import type { Choice, Unknown } from '../types';

/** What every stack's Dockerfile template is given. */
export interface DockerContext {
  profile: ProjectProfile;
  files: ProjectFiles;
  version: RuntimeVersion;
  start: StartInImage;
  port: number | null;
  health: HealthEndpoint | undefined;
  choices: Choice[];
  unknowns: Unknown[];
}

/** How the final image checks its health endpoint: the runtime itself where it can fetch, else a tool the image has or installs. */
export type HealthProbe = 'node' | 'bun' | 'deno' | 'python' | 'wget' | 'curl';

export function healthCommand(probe: HealthProbe, url: string): string[] {
  switch (probe) {
    case 'node':
    case 'bun':
      return [probe, '-e', `fetch('${url}').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`];
    case 'deno':
      return ['deno', 'eval', `const r = await fetch('${url}').catch(() => null); Deno.exit(r?.ok ? 0 : 1)`];
    case 'python':
      return ['python', '-c', `import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('${url}', timeout=4).status < 400 else 1)`];
    case 'wget':
      return ['wget', '-q', '--spider', url];
    case 'curl':
      return ['curl', '-fsS', '-o', '/dev/null', url];
  }
}

/** A `COPY` of the files among `candidates` that exist (a manifest missing from a project is simply not copied). */
export function copyExisting(ctx: DockerContext, candidates: string[], to = './'): string | undefined {
  const present = candidates.filter((c) => ctx.files.has(c));
  return present.length ? `COPY ${present.join(' ')} ${to}` : undefined;
}

/** The manifests copied before the install, recorded as one choice (layer caching: the install reruns only when they change). */
export function manifestChoice(ctx: DockerContext, copied: string[], install: string): void {
  ctx.choices.push({ what: 'dependency layer', value: `${copied.join(', ')} → ${install}`, evidence: copied.map((c) => ctx.files.rel(c)), reason: 'the manifests are copied and installed before the source, so a source change reuses the installed dependencies', confidence: 0.9 });
}

export function stringArray(words: string[]): string {
  return JSON.stringify(words);
}

/** The end of every final stage: environment of the start command, user, port, health check, exec-form CMD. */
export function finalStage(ctx: DockerContext, options: { user: string; probe: HealthProbe | undefined; env?: Record<string, string> }): string[] {
  const lines: string[] = [];
  const env = { ...(options.env ?? {}), ...ctx.start.env };
  if (Object.keys(env).length) lines.push(`ENV ${Object.entries(env).map(([k, v]) => `${k}=${/[\s"'$]/.test(v) ? JSON.stringify(v) : v}`).join(' ')}`);
  lines.push(`USER ${options.user}`);
  const startEvidence = ctx.profile.detections['commands.start'];
  ctx.choices.push({ what: 'user', value: options.user, evidence: [], reason: `the application runs as ${options.user}, not root`, confidence: 0.95 });
  if (ctx.port !== null) {
    lines.push(`EXPOSE ${ctx.port}`);
    const d = ctx.profile.detections.port;
    ctx.choices.push({ what: 'port', value: String(ctx.port), evidence: d?.evidence ?? [], reason: d?.reason ?? ((d?.confidence ?? 0) >= 0.8 ? `the port the application listens on (${d!.evidence.join(', ')})` : "the framework's default port (nothing in the code or configuration sets one)"), confidence: d?.confidence ?? 0.5 });
  } else ctx.unknowns.push({ what: 'port', why: 'the profile found no port the application listens on: no EXPOSE and no health check', hint: 'Listen on process.env.PORT (or the framework\'s setting) with a default, or add EXPOSE yourself.' });
  if (ctx.health && ctx.port !== null && options.probe) {
    const url = `http://127.0.0.1:${ctx.port}${ctx.health.path}`;
    lines.push(`HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 CMD ${stringArray(healthCommand(options.probe, url))}`);
    ctx.choices.push({ what: 'health check', value: ctx.health.path, evidence: [ctx.health.evidence], reason: ctx.health.reason, confidence: 0.85 });
  } else if (!ctx.health) {
    ctx.unknowns.push({ what: 'health endpoint', why: 'no health route was found in the code (/health, /healthz, /ready …): no HEALTHCHECK', hint: 'Add a GET /health that answers 200, then generate again.' });
  }
  lines.push(`CMD ${stringArray(ctx.start.argv)}`);
  ctx.choices.push({
    what: 'start command',
    value: ctx.start.argv.join(' '),
    evidence: startEvidence?.evidence ?? [],
    reason: `the profile's production start (${ctx.profile.commands.start})${ctx.start.unwrapped ? `, without \`${ctx.start.unwrapped}\`: the image puts the tools on PATH` : ''}${Object.keys(ctx.start.env).length ? `; its ${Object.keys(ctx.start.env).join(', ')} set with ENV` : ''} — ${startEvidence?.reason ?? 'detected'}`,
    confidence: startEvidence?.confidence ?? 0.7,
  });
  return lines;
}

export function baseChoice(ctx: DockerContext, image: string, role: string): void {
  const v = ctx.version;
  ctx.choices.push({
    what: `${role} image`,
    value: image,
    evidence: v.assumed ? [] : (ctx.profile.detections.runtime?.evidence ?? []),
    reason: v.assumed ? `${v.name} ${v.version} is assumed (the project declares no version)` : `pinned to the ${v.name} version the project declares (${v.version})${/^\d+$/.test(v.version) ? '; only the major version is declared, so patch releases of it are taken: pin an exact version to pin the image' : ''}`,
    confidence: v.assumed ? 0.4 : 0.9,
  });
}

/** `apt-get install` of packages, cleaned in the same layer. */
export function aptInstall(packages: string[]): string {
  return `RUN apt-get update && apt-get install -y --no-install-recommends ${packages.join(' ')} && rm -rf /var/lib/apt/lists/*`;
}
