import { Option, type Command } from 'commander';
import path from 'node:path';
import type { CliContext } from '../context';
import { printJson } from '../output';
import { CliExit } from '../program';
import { runRelease } from '../release-runner';
import { plural } from '../../core/plural';

const STRATEGIES = ['auto', 'conservative', 'balanced', 'aggressive'] as const;

interface Common {
  workspace: string;
  json?: boolean;
}

const workspaceOption = () => new Option('-w, --workspace <dir>', 'the repository (its .deploy-agent/config.json names the targets)').default(process.cwd(), 'the current folder');

export function registerRelease(program: Command, ctx: CliContext): void {
  const release = program
    .command('release')
    .description('Release the application to a target (an SSH server or a local folder): upload a commit, install, build, migrate, switch atomically, restart, check health; roll back on failure')
    .addOption(new Option('--target <name>', 'the target (see `deploy-agent targets`)'))
    .option('--ref <ref>', 'the branch, tag or commit to release', 'HEAD')
    .addOption(new Option('--strategy <strategy>', 'how careful the rollout is (default: the pipeline.strategy setting)').choices(STRATEGIES))
    .option('--dry-run', 'connect, run the preflight and print the plan; change nothing')
    .addOption(workspaceOption())
    .option('--json', 'print one JSON object with the outcome')
    .action(async (options: Common & { target?: string; ref: string; strategy?: (typeof STRATEGIES)[number]; dryRun?: boolean }, command: Command) => {
      if (!options.target) command.error('error: --target NAME is required (see `deploy-agent targets`)', { exitCode: 2, code: 'commander.usage' });
      const workspace = path.resolve(options.workspace);
      const target = await loadTarget(ctx, workspace, options.target!);
      const strategy = options.strategy ?? ctx.config(workspace).get<(typeof STRATEGIES)[number]>('pipeline.strategy');
      if (options.dryRun) {
        const { planRelease } = await import('../../core/release/inspect');
        const plan = await planRelease(ctx.openStore().store, { target, repoPath: workspace, ref: options.ref, strategy, env: ctx.env });
        if (options.json) printJson(plan);
        else process.stdout.write(formatPlan(plan));
        if (plan.hosts.some((h) => !h.ok)) throw new CliExit(1);
        return;
      }
      await runRelease(ctx, { kind: 'release', input: { target, repoPath: workspace, ref: options.ref, strategy } }, { json: Boolean(options.json), workspace });
    });

  release
    .command('resume')
    .description('Continue a release whose process died (killed, the machine rebooted) from its last completed step')
    .argument('<id>', 'the release id (see `deploy-agent list`)')
    .addOption(workspaceOption())
    .option('--json', 'print one JSON object with the outcome')
    .action(async (id: string, _options: Common, command: Command) => {
      const options = optionsOf<Common>(command);
      await runRelease(ctx, { kind: 'resume', id }, { json: Boolean(options.json), workspace: path.resolve(options.workspace) });
    });

  release
    .command('rollback')
    .description('Switch the target back to an earlier release and restart it (no upload, no build): seconds')
    .option('--target <name>', 'the target')
    .option('--to <id>', 'the release to go back to (its folder name or the id of the release that made it; default: the one before the current)')
    .addOption(workspaceOption())
    .option('--json', 'print one JSON object with the outcome')
    .action(async (_options: unknown, command: Command) => {
      const options = optionsOf<Common & { target?: string; to?: string }>(command);
      const workspace = path.resolve(options.workspace);
      const target = await loadTarget(ctx, workspace, requireTarget(command, options.target));
      await runRelease(ctx, { kind: 'rollback', input: { target, repoPath: workspace, ...(options.to ? { to: options.to } : {}) } }, { json: Boolean(options.json), workspace });
    });

  release
    .command('status')
    .description("A target now: each host's current release, the releases kept, who holds its lock, its health; and the last releases")
    .option('--target <name>', 'the target')
    .addOption(workspaceOption())
    .option('--json', 'print one JSON object')
    .action(async (_options: unknown, command: Command) => {
      const options = optionsOf<Common & { target?: string }>(command);
      const workspace = path.resolve(options.workspace);
      const target = await loadTarget(ctx, workspace, requireTarget(command, options.target));
      const { targetStatus } = await import('../../core/release/inspect');
      const status = await targetStatus(ctx.openStore().store, target, { env: ctx.env });
      if (options.json) return printJson(status);
      process.stdout.write(formatStatus(status));
    });

  release
    .command('check')
    .description('Check a target without changing it: connection, host key, folder, free space, runtime, port, current release')
    .option('--target <name>', 'the target')
    .addOption(workspaceOption())
    .option('--json', 'print one JSON object')
    .action(async (_options: unknown, command: Command) => {
      const options = optionsOf<Common & { target?: string }>(command);
      const workspace = path.resolve(options.workspace);
      const target = await loadTarget(ctx, workspace, requireTarget(command, options.target));
      const { checkTarget } = await import('../../core/release/inspect');
      const hosts = await checkTarget(target, { env: ctx.env });
      if (options.json) printJson({ target: target.name, ok: hosts.every((h) => h.ok), hosts });
      else process.stdout.write(formatChecks(target.name, hosts));
      if (!hosts.every((h) => h.ok)) throw new CliExit(1);
    });
}

export function registerTargets(program: Command, ctx: CliContext): void {
  program
    .command('targets')
    .description('List the release targets of .deploy-agent/config.json with their defaults filled in (and where each came from)')
    .addOption(workspaceOption())
    .option('--json', 'print one JSON object')
    .action(async (options: Common) => {
      const workspace = path.resolve(options.workspace);
      const { loadTargets } = await import('../../core/release/load-target');
      const { TARGETS_EXAMPLE } = await import('../../core/release/targets');
      const targets = await loadTargets({ workspaceDir: workspace, config: ctx.config(workspace), store: ctx.openStore().store });
      if (options.json) return printJson({ targets });
      if (!targets.length) {
        process.stdout.write(`No release targets. Add one to ${path.join(workspace, '.deploy-agent', 'config.json')}, e.g.\n  ${TARGETS_EXAMPLE}\nor try one on this machine: "targets": { "local": { "type": "local", "path": "~/.deploy-agent/releases/app" } }\n`);
        return;
      }
      for (const t of targets) {
        const from = (key: string) => (t.sources[key] === 'profile' ? ' (from the project)' : '');
        process.stdout.write(`${t.name}  ${t.type} ${t.type === 'ssh' ? `${t.user ?? ''}${t.user ? '@' : ''}${t.hosts.join(', ')}` : ''}:${t.path}  [${t.environment}]\n`);
        for (const step of ['install', 'build', 'migrate'] as const) if (t.steps[step]) process.stdout.write(`    ${step.padEnd(8)} ${t.steps[step]}${from(`steps.${step}`)}\n`);
        process.stdout.write(`    ${t.restart ? `restart  ${t.restart}` : `start    ${t.start}${from('start')} (supervised)`}\n`);
        process.stdout.write(`    health   ${t.healthCheck ? `${t.healthCheck.url} → ${t.healthCheck.expectStatus} within ${t.healthCheck.timeoutMs / 1000} s` : 'none (a release is not verified)'}\n`);
        if (t.shared.length) process.stdout.write(`    shared   ${t.shared.join(', ')}\n`);
      }
    });
}

/**
 * A subcommand's options merged with `release`'s: commander reads the options `release` itself
 * defines (--target, -w, --json) wherever they stand, also after a subcommand's name.
 */
function optionsOf<T>(command: Command): T {
  const parent = command.parent!;
  const merged: Record<string, unknown> = { ...parent.opts(), ...command.opts() };
  for (const name of Object.keys(parent.opts())) {
    if (parent.getOptionValueSource(name) === 'cli' && command.getOptionValueSource(name) !== 'cli') merged[name] = parent.opts()[name];
  }
  return merged as T;
}

function requireTarget(command: Command, target: string | undefined): string {
  if (!target) command.error('error: --target NAME is required (see `deploy-agent targets`)', { exitCode: 2, code: 'commander.usage' });
  return target!;
}

async function loadTarget(ctx: CliContext, workspace: string, name: string) {
  const { loadTarget: load } = await import('../../core/release/load-target');
  return load({ workspaceDir: workspace, config: ctx.config(workspace), store: ctx.openStore().store, name });
}

type Plan = Awaited<ReturnType<typeof import('../../core/release/inspect').planRelease>>;
type Checks = Awaited<ReturnType<typeof import('../../core/release/inspect').checkTarget>>;
type Status = Awaited<ReturnType<typeof import('../../core/release/inspect').targetStatus>>;

function formatChecks(target: string, hosts: Checks): string {
  const lines = [`Target ${target}: ${hosts.every((h) => h.ok) ? 'ready' : 'not ready'}`];
  for (const h of hosts) {
    lines.push(`  ${h.ok ? '✔' : '✖'} ${h.host}${h.hostKey && h.hostKey !== 'local' ? `  host key ${h.hostKey}` : ''}${h.ok ? `  current ${h.current ?? '(none)'}, ${plural(h.releases.length, 'release')} kept` : ''}`);
    for (const note of h.notes) lines.push(`      ${note}`);
    if (h.error) lines.push(`      error [${h.error.code}]: ${h.error.message}`, `      → ${h.error.hint}`);
  }
  return lines.join('\n') + '\n';
}

function formatPlan(plan: Plan): string {
  const lines = [
    `Dry run: release ${plan.ref} (${plan.commit.slice(0, 12)}) to ${plan.target} (${plan.environment}) — nothing was changed`,
    `  archive   ${plan.archive.files} files, ${(plan.archive.bytes / 1048576).toFixed(1)} MB`,
    `  strategy  ${plan.strategy.name}: ${plan.strategy.reasons.join('; ')}`,
    `  batches   ${plan.batches.map((b) => `[${b.join(', ')}]`).join(' → ')}`,
    '  steps',
    ...plan.steps.map((s, i) => `    ${String(i + 1).padStart(2)}. ${s.title}`),
  ];
  lines.push(formatChecks(plan.target, plan.hosts).trimEnd());
  return lines.join('\n') + '\n';
}

function formatStatus(status: Status): string {
  const lines = [`Target ${status.target} (${status.environment})`];
  for (const h of status.hosts) {
    if (h.error) {
      lines.push(`  ${h.host}: error [${h.error.code}] ${h.error.message}`);
      continue;
    }
    const health = h.health ? (h.health.ok ? `healthy (${h.health.status})` : `unhealthy: ${h.health.error}`) : 'no health check';
    lines.push(`  ${h.host}: current ${h.current ?? '(none)'} — ${health}`);
    lines.push(`    kept: ${h.releases.length ? h.releases.join(', ') : 'none'}`);
    if (h.lock) lines.push(`    locked by deployment ${h.lock.deploymentId} (pid ${h.lock.pid} on ${h.lock.client}) since ${new Date(h.lock.at).toISOString()}`);
  }
  lines.push('  history');
  if (!status.history.length) lines.push('    no releases recorded in this history database');
  for (const r of status.history) lines.push(`    ${r.id}  ${r.status.padEnd(11)} ${(r.mode ?? '').padEnd(8)} ${new Date(r.createdAt).toISOString().replace('T', ' ').slice(0, 19)}  ${r.release ?? ''}${r.error ? `  — ${r.error}` : ''}`);
  return lines.join('\n') + '\n';
}
