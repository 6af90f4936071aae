import type { Command } from 'commander';
import path from 'node:path';
import type { CliContext } from '../context';
import { printJson } from '../output';

export function registerList(program: Command, ctx: CliContext): void {
  program
    .command('list')
    .description('List deployments, newest first (interrupted ones — whose process died — can be resumed; awaiting-review ones shipped or discarded)')
    .option('-w, --workspace <dir>', 'only deployments of this repository')
    .option('-n, --limit <n>', 'how many', (v) => Number.parseInt(v, 10), 50)
    .option('--json', 'print one JSON object')
    .action(async (options: { workspace?: string; limit: number; json?: boolean }) => {
      const { store } = ctx.openStore();
      const [{ detectInterrupted }, { DeploymentsRepository }] = await Promise.all([import('../../core/pipeline/owner'), import('../../core/store/deployments')]);
      detectInterrupted(store.db);
      const rows = new DeploymentsRepository(store.db).list({
        limit: Number.isFinite(options.limit) && options.limit > 0 ? options.limit : 50,
        ...(options.workspace ? { repoPath: path.resolve(options.workspace) } : {}),
      });
      const deployments = rows.map((r) => ({
        id: r.id,
        status: r.status,
        kind: r.kind,
        target: r.target,
        mode: r.mode,
        strategy: r.strategy,
        title: r.title,
        repoPath: r.repoPath,
        branch: r.branch,
        commit: r.commitSha,
        prUrl: r.prUrl,
        createdAt: new Date(r.createdAt).toISOString(),
        durationMs: r.durationMs,
        error: r.errorCode ? { code: r.errorCode, message: r.errorMessage } : null,
      }));
      if (options.json) return printJson({ deployments });
      if (!deployments.length) {
        process.stdout.write('No deployments yet. Start one with `deploy-agent deploy FILE`.\n');
        return;
      }
      for (const d of deployments) {
        const when = d.createdAt.replace('T', ' ').slice(0, 19);
        const duration = d.durationMs === null ? '' : ` ${(d.durationMs / 1000).toFixed(1)}s`;
        process.stdout.write(`${d.id}  ${d.status.padEnd(15)} ${(d.mode ?? '').padEnd(12)} ${when}${duration}  ${d.title}${d.prUrl ? `  ${d.prUrl}` : d.branch ? `  ${d.branch}` : ''}\n`);
        if (d.status === 'interrupted') process.stdout.write(`          → resume with: deploy-agent ${d.kind === 'release' ? 'release resume' : 'resume'} ${d.id}\n`);
        if (d.status === 'awaiting-review') process.stdout.write(`          → waits for review: deploy-agent ship ${d.id} --mode local-commit|full-pr, or deploy-agent discard ${d.id}\n`);
      }
    });
}
