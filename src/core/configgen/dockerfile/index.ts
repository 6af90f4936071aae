import type { FileEntry, ProjectProfile } from '../../analysis/types';
import { findHealthEndpoint } from '../health-endpoint';
import { noStartHint, noTemplateHint, workspaceImageHint } from '../hints';
import { ProjectFiles } from '../project-files';
import { runtimeVersion } from '../runtime-versions';
import { startInImage } from '../start-command';
import type { Choice, GenerationResult, Unknown } from '../types';
import type { DockerContext } from './common';
import { dotnetDockerfile, goDockerfile, rustDockerfile } from './compiled';
import { dockerignore } from './dockerignore';
import { jvmDockerfile } from './jvm';
import { nodeDockerfile } from './node';
import { pythonDockerfile } from './python';
import { denoDockerfile, elixirDockerfile, phpDockerfile, rubyDockerfile } from './scripting';

type Template = (ctx: DockerContext) => string[] | undefined;

/** The stacks with a Dockerfile template, by the profile's runtime (a static site with none is served by Node). */
function templateOf(profile: ProjectProfile): { template: Template; runtime: string } | undefined {
  const runtime = profile.runtime?.name ?? (profile.artifact?.kind === 'static' ? 'node' : undefined);
  switch (runtime) {
    case 'node':
    case 'bun':
      return { template: nodeDockerfile, runtime };
    case 'python':
      return { template: pythonDockerfile, runtime };
    case 'go':
      return { template: goDockerfile, runtime };
    case 'rust':
      return { template: rustDockerfile, runtime };
    case 'dotnet':
      return { template: dotnetDockerfile, runtime };
    case 'java':
    case 'jvm':
      return profile.packageManager === 'maven' || profile.packageManager === 'gradle' ? { template: jvmDockerfile, runtime } : undefined;
    case 'ruby':
      return { template: rubyDockerfile, runtime };
    case 'php':
      return { template: phpDockerfile, runtime };
    case 'elixir':
      return { template: elixirDockerfile, runtime };
    case 'deno':
      return { template: denoDockerfile, runtime };
    default:
      return undefined;
  }
}

/**
 * A multi-stage Dockerfile and its .dockerignore for the project a profile describes, or nothing
 * with the unknown that stops it: no production start command, a start a shell would have to
 * interpret, a stack without a template, a lockfile outside the build context.
 */
export function generateDockerfile(profile: ProjectProfile, workspaceFiles: readonly FileEntry[], projects: readonly ProjectProfile[] = profile.projects): GenerationResult {
  const choices: Choice[] = [];
  const unknowns: Unknown[] = [];
  const skip = (what: string, why: string, hint: string): GenerationResult => {
    unknowns.push({ what, why, hint });
    return { kind: 'dockerfile', files: [], choices, unknowns, skipped: `${what}: ${why}` };
  };
  const start = profile.commands.start;
  const startDetection = profile.detections['commands.start'];
  if (!start) return skip('start command', startDetection?.reason ?? 'the profile found no production start command', noStartHint(profile, projects, 'Add a start script (or a Procfile web: line), or see `deploy-agent analyze` for what is missing.'));
  const found = templateOf(profile);
  if (!found) {
    const stack = profile.runtime?.name === 'java' || profile.runtime?.name === 'jvm' ? (profile.packageManager ?? profile.runtime.name) : (profile.runtime?.name ?? profile.primaryLanguage ?? 'this project');
    return skip('Dockerfile template', `there is no Dockerfile template for ${stack} yet`, noTemplateHint('dockerfile', profile, stack));
  }
  const image = startInImage(start);
  if (!image) return skip('start command', `\`${start}\` needs a shell (pipes, variables, &&) and cannot be an exec-form CMD`, 'Move it into a script (e.g. bin/start) or a package script, then generate again.');
  const files = new ProjectFiles(profile);
  if ((found.runtime === 'node' || found.runtime === 'bun') && files.has('package.json') && profile.packageManager && !['package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock', 'pnpm-lock.yaml', 'bun.lock', 'bun.lockb'].some((l) => files.has(l)) && profile.detections.packageManager?.evidence.some((e) => /lock/.test(e))) {
    const lockfile = profile.detections.packageManager.evidence[0]!;
    return skip('lockfile', `the lockfile (${lockfile}) is outside this project's folder, so outside the image's build context, and no template builds one project of a workspace yet`, workspaceImageHint(profile, lockfile));
  }
  const version = runtimeVersion(profile, choices, unknowns, found.runtime);
  if (!version) return skip('runtime version', `no version of ${found.runtime} is known or assumed`, 'Declare the runtime version in the manifest.');
  const health = findHealthEndpoint(profile, workspaceFiles);
  const ctx: DockerContext = { profile, files, version, start: image, port: profile.port, health, choices, unknowns };
  const lines = found.template(ctx);
  if (!lines) return { kind: 'dockerfile', files: [], choices, unknowns, skipped: unknowns.at(-1) ? `${unknowns.at(-1)!.what}: ${unknowns.at(-1)!.why}` : 'nothing generated' };
  return {
    kind: 'dockerfile',
    files: [
      { path: 'Dockerfile', content: `${lines.join('\n')}\n` },
      { path: '.dockerignore', content: dockerignore(profile) },
    ],
    choices,
    unknowns,
  };
}
