import type { Command } from 'commander';
import path from 'node:path';
import type { CliContext } from '../context';
import { withOrchestrator } from '../deployment-runner';
import { printJson } from '../output';
import { plural } from '../../core/plural';

export function registerClean(program: Command, ctx: CliContext): void {
  program
    .command('clean')
    .description('Remove stale sandbox worktrees (of ended deployments, or kept for inspection) and their branches when they carry no commit')
    .option('-w, --workspace <dir>', 'only this repository (default: every repository in the history)')
    .option('--interrupted', 'also roll back interrupted deployments (whose process died) instead of keeping them for `resume`')
    .option('--include-review', 'also discard deployments that wait for review (their sandbox and branch are removed, the outcome recorded)')
    .option('--json', 'print one JSON object')
    .action(async (options: { workspace?: string; interrupted?: boolean; includeReview?: boolean; json?: boolean }) => {
      const { store } = ctx.openStore();
      const { cleanStaleSandboxes, knownRepositories } = await import('../../core/pipeline/clean');
      let repos = options.workspace ? [path.resolve(options.workspace)] : knownRepositories(store.db);
      if (options.workspace) {
        const { execFileSync } = await import('node:child_process');
        try {
          repos = [execFileSync('git', ['rev-parse', '--show-toplevel'], { cwd: repos[0], encoding: 'utf8' }).trim()];
        } catch {
          // not a repository: nothing to clean there
        }
      }
      const result = await cleanStaleSandboxes(store.db, repos, { rollBackInterrupted: Boolean(options.interrupted) });
      // A review-paused change goes only when asked, and then as a discard (hooks, outcome, report).
      const discarded: string[] = [];
      if (options.includeReview) {
        for (const id of result.awaitingReview) {
          const outcome = await withOrchestrator(ctx, false, (orchestrator, signal) => orchestrator.discard(id, signal));
          if (outcome.error) result.errors.push({ path: outcome.worktree ?? id, message: outcome.error.message });
          else discarded.push(id);
        }
      }
      if (options.json) return printJson({ ...result, discarded });
      const removedAnything = result.removed.length + result.branchesDeleted.length + result.foldersRemoved.length + result.locksRemoved.length + result.stopped.length > 0;
      if (!removedAnything) process.stdout.write('Nothing to clean: no stale worktree, branch, folder or lock.\n');
      for (const s of result.stopped) process.stdout.write(`stopped ${s.what} (process group ${s.pid}, ${plural(s.processes, 'process', 'processes')}) that deployment ${s.deploymentId} had left running in its sandbox\n`);
      for (const r of result.removed) {
        process.stdout.write(`removed ${r.path} (${r.branch}${r.branchDeleted ? ', branch deleted' : ', branch kept: it has the commit'})\n`);
      }
      for (const b of result.branchesDeleted) process.stdout.write(`deleted branch ${b.branch} (deployment ${b.deploymentId} ended; the branch carried no commit)\n`);
      for (const f of result.foldersRemoved) process.stdout.write(`removed ${f} (a sandbox folder git did not know)\n`);
      for (const l of result.locksRemoved) process.stdout.write(`removed ${l} (the lock of a process that is gone)\n`);
      for (const id of result.rolledBack) process.stdout.write(`rolled back interrupted deployment ${id}\n`);
      for (const id of discarded) process.stdout.write(`discarded deployment ${id}, which waited for review\n`);
      for (const id of result.awaitingReview.filter((id) => !discarded.includes(id))) {
        process.stdout.write(`kept deployment ${id}: it waits for review — ship it with \`deploy-agent ship ${id} --mode …\`, discard it with \`deploy-agent discard ${id}\` (or clean --include-review)\n`);
      }
      for (const id of result.resumable) process.stdout.write(`kept interrupted deployment ${id}: resume it with \`deploy-agent resume ${id}\`, or roll it back with \`deploy-agent clean --interrupted\`\n`);
      for (const e of result.errors) process.stderr.write(`could not remove ${e.path}: ${e.message}\n`);
    });
}
