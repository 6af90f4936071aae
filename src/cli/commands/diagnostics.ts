import { Option, type Command } from 'commander';
import { collectDiagnostics } from '../../core/diagnostics/collect';
import { formatDiagnostics } from '../../core/diagnostics/format';
import { DEPLOY_AGENT_VERSION } from '../../core/version';
import type { CliContext } from '../context';
import { printJson } from '../output';

export function registerDiagnostics(program: Command, ctx: CliContext): void {
  program
    .command('diagnostics')
    .description('Show the runtime, database, environment, Ollama reachability, system metrics and the effective configuration')
    .option('--json', 'print one JSON object')
    .addOption(new Option('-w, --workspace <dir>', 'workspace whose .deploy-agent/config.json is read').default(process.cwd(), 'the current folder'))
    .action(async (options: { json?: boolean; workspace: string }) => {
      const { store, pathSource } = ctx.openStore();
      const diagnostics = await collectDiagnostics({
        version: DEPLOY_AGENT_VERSION,
        host: 'cli',
        env: ctx.env,
        workingDir: options.workspace,
        store: { path: store.path, pathSource, schemaVersion: store.schemaVersion, sqliteVersion: store.sqliteVersion, movedAside: store.movedAside },
        config: ctx.config(options.workspace),
      });
      if (options.json) printJson(diagnostics);
      else process.stdout.write(formatDiagnostics(diagnostics));
    });
}
