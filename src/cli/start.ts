// The CLI proper, loaded by main.ts once the Node version is known to fit.
import { guardProcessOutput } from './io';
import { runCli } from './program';
import { redactProcessOutput } from './redacted-output';

guardProcessOutput();
redactProcessOutput();
runCli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`deploy-agent crashed: ${(error as Error)?.stack ?? String(error)}\n`);
    process.exitCode = 1;
  },
);
