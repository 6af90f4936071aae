import { Command, CommanderError } from 'commander';
import { DEPLOY_AGENT_VERSION } from '../core/version';
import { commandRegistrations } from './commands';
import { CliContext } from './context';
import { ExitCode } from './exit-codes';
import { printError } from './output';

/** Builds the program and runs it; resolves to the exit code instead of exiting, so tests can call it. */
export async function runCli(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const { program, ctx } = buildProgram(env);
  const wantsJson = argv.includes('--json');
  try {
    await program.parseAsync(argv, { from: 'user' });
    return ExitCode.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return ExitCode.ok;
      return ExitCode.usage;
    }
    if (error instanceof CliExit) return error.exitCode;
    printError(error, wantsJson, ctx.storePath);
    return ExitCode.failure;
  } finally {
    ctx.dispose();
  }
}

/** The program with every command registered (also walked by scripts/sync-readme.ts for the CLI reference). */
export function buildProgram(env: NodeJS.ProcessEnv = process.env): { program: Command; ctx: CliContext } {
  const program = new Command('deploy-agent')
    .description('Deploys a recommendation into a repository as tested code, and learns from every deployment.')
    .version(DEPLOY_AGENT_VERSION, '-V, --version', 'print the version')
    .option('--db <path>', 'history database, shared with VS Code (default: DEPLOY_AGENT_DB, else the platform data directory)')
    .option('--config <file>', 'settings file applied over .deploy-agent/config.json')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s), writeOut: (s) => process.stdout.write(s) });

  const ctx = new CliContext(program, env);
  for (const register of commandRegistrations) register(program, ctx);
  for (const command of program.commands) command.exitOverride();
  return { program, ctx };
}

/** Thrown by a command that has already reported its outcome and wants a specific exit code. */
export class CliExit extends Error {
  constructor(readonly exitCode: number) {
    super(`exit ${exitCode}`);
  }
}
