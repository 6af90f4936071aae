import { DeployAgentError } from '../core/errors';
import { historyStoreError } from '../core/store/store-errors';

/** `--json`: exactly one JSON object on stdout, nothing else. */
export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

/** An error as the user sees it: what went wrong, then what to do. `dbFile`: the history database, whose failures are the situation's, not bugs. */
export function printError(error: unknown, json: boolean, dbFile?: string): void {
  const situation = dbFile ? historyStoreError(error, dbFile) : undefined;
  if (situation) error = situation;
  const payload =
    error instanceof DeployAgentError
      ? error.toJSON()
      : { code: 'UNEXPECTED', message: (error as Error)?.message ?? String(error), hint: 'This is a bug in Deploy Agent; please report it with `deploy-agent diagnostics --json`.' };
  if (json) printJson({ error: payload });
  process.stderr.write(`error [${payload.code}]: ${payload.message}\n`);
  if (payload.hint) process.stderr.write(`  → ${payload.hint}\n`);
  if (!(error instanceof DeployAgentError) && error instanceof Error && process.env.DEPLOY_AGENT_DEBUG) process.stderr.write(`${error.stack}\n`);
}
