import type { ProjectProfile } from '../analysis/types';
import type { ConfigKind } from './types';

/**
 * What a user can do about what stopped a generation, with the project's own commands: kept in one
 * place so that no hint sends the user back where they came from (the workspace root says "use
 * --project", a project of it says how to build it from the root — never "generate from the root").
 */

const CHECKS_OF: Partial<Record<ConfigKind, string>> = {
  dockerfile: 'the Dockerfile checks',
  'github-actions': 'the workflow checks',
  'gitlab-ci': 'the pipeline checks',
  jenkins: 'the Jenkinsfile checks',
};

const code = (command: string) => `\`${command}\``;

/** The stack as the hint names it: `zig 0.13.0`, `sbt`. */
function stackOf(profile: ProjectProfile, name: string): string {
  const runtime = profile.runtime;
  if (!runtime) return name;
  const on = runtime.version ? `${runtime.name} ${runtime.version}` : runtime.name;
  return runtime.name === name ? on : `${on} and ${name}`;
}

/**
 * No template knows the stack (Zig, Crystal, Swift, sbt …): a model writes the file through the
 * pipeline, where the file's checks are the tests (from the workspace root: the built-in
 * recommendation covers the workspace), or the user writes it with the profile's commands.
 */
export function noTemplateHint(kind: ConfigKind, profile: ProjectProfile, stack: string): string {
  const { install, build, test, start } = profile.commands;
  const model =
    profile.path === '.'
      ? `Let a model write it through the pipeline, with ${CHECKS_OF[kind] ?? 'its checks'} as its tests: ${code(`deploy-agent recommendations --missing --save ${kind}`)} saves that recommendation and prints how to deploy it. Or write it yourself: `
      : 'Write it yourself: ';
  const on = stackOf(profile, stack);
  if (kind === 'dockerfile') {
    const built = build ? `build with ${code(build)} in an image with ${on}, then copy what it builds into a slim image that` : `start from an image with ${on} that`;
    return `${model}${built} runs ${start ? code(start) : 'the application'} as a non-root user, in exec form.`;
  }
  const steps = [install, test, build].filter((s): s is string => Boolean(s)).map(code);
  return `${model}set up ${on}, then ${steps.length ? `run ${joinAnd(steps)}` : 'install, test and build the project'}.`;
}

/**
 * No production start command. The root of a workspace whose projects start is told which to
 * generate for (`--project`); a project of a workspace without one is told which of its siblings
 * start; otherwise `fallback` (how to declare a start).
 */
export function noStartHint(profile: ProjectProfile, projects: readonly ProjectProfile[], fallback: string): string {
  const starting = projects.filter((p) => p.path !== profile.path && p.path !== '.' && p.commands.start);
  if (!starting.length) return fallback;
  const listed = starting.slice(0, 3).map((p) => `--project ${p.path} (${code(p.commands.start!)})`);
  const more = starting.length > 3 ? `, or one of ${starting.length - 3} more (deploy-agent analyze lists them)` : '';
  if (profile.path === '.') return `This folder is a workspace whose projects start, not the folder itself: generate for one of them with ${joinOr(listed)}${more}.`;
  return `${profile.path} does not start by itself (a library of the workspace?): generate for a project that does with ${joinOr(listed)}${more}; or ${fallback.charAt(0).toLowerCase()}${fallback.slice(1)}`;
}

/**
 * A project of a JavaScript workspace whose lockfile is at the workspace root: its image has to be
 * built with the root as the build context. No template does that yet; the recipe with the
 * package manager's own workspace commands.
 */
export function workspaceImageHint(profile: ProjectProfile, lockfile: string): string {
  const pm = profile.packageManager ?? 'npm';
  const name = profile.name ?? profile.path;
  const inProject = (script: string) =>
    pm === 'yarn' ? `yarn workspace ${name} run ${script}` : pm === 'pnpm' ? `pnpm --filter ${name} run ${script}` : pm === 'bun' ? `bun run --filter ${name} ${script}` : `npm run ${script} -w ${profile.path}`;
  const steps = [profile.commands.build ? `build it with ${code(inProject('build'))}` : null, profile.commands.start ? `start it with ${code(inProject('start'))} (exec form)` : null].filter(Boolean);
  return (
    `Write ${profile.path}/Dockerfile yourself and build it with the workspace root as its context (${code(`docker build -f ${profile.path}/Dockerfile .`)}): ` +
    `copy the root's package.json and ${lockfile} and each workspace's package.json, install with ${code(profile.commands.install ?? `${pm} install`)}, copy the sources` +
    `${steps.length ? `, then ${steps.join(' and ')}` : ''}.`
  );
}

function joinAnd(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

function joinOr(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`;
}
