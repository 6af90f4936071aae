import { Argument, type Command } from 'commander';
import path from 'node:path';
import { CONFIG_KINDS, type ConfigKind } from '../../core/configgen/types';
import type { CliContext } from '../context';
import { printJson } from '../output';
import { CliExit } from '../program';

interface GenerateCliOptions {
  write?: boolean;
  force?: boolean;
  json?: boolean;
  project?: string;
  cache?: boolean;
}

export function registerGenerateConfig(program: Command, ctx: CliContext): void {
  program
    .command('generate-config')
    .description('Generate deployment configuration from the project profile — Dockerfile + .dockerignore, a compose file of local services, CI (GitHub Actions, GitLab CI, Jenkins), .env.example, a release target — with the reasoning for each choice and the checks of each file; print it, or --write it')
    .addArgument(new Argument('<kind>', 'what to generate').choices(CONFIG_KINDS))
    .argument('[dir]', 'the project folder', '.')
    .option('--project <path>', 'a sub-project of a monorepo (its folder, relative to DIR)')
    .option('--write', 'write the files into the project (refuses to replace an existing one)')
    .option('--force', 'with --write: replace files that exist')
    .option('--json', 'print one JSON object: files, choices, unknowns, checks')
    .option('--no-cache', 'read every file again instead of using the analysis cache')
    .action(async (kind: ConfigKind, dir: string, options: GenerateCliOptions) => {
      const root = path.resolve(ctx.cwd, dir);
      const [{ generateConfig }, { formatGeneration }, { writeGeneratedFiles }] = await Promise.all([import('../../core/configgen/generate'), import('../../core/configgen/format'), import('../../core/configgen/write')]);
      const config = ctx.config(root);
      const store = options.cache === false || config.get<boolean>('analysis.cache') === false ? undefined : ctx.openStore().store;
      const result = await generateConfig(root, kind, { ...(store ? { store } : {}), ...(options.project ? { project: options.project } : {}), env: ctx.env });
      const failed = result.checks.some((r) => r.problems.length);
      let written: ReturnType<typeof writeGeneratedFiles> = [];
      if (options.write && result.files.length && !failed) {
        const projectDir = result.profile.path === '.' ? result.profile.root : path.join(result.profile.root, result.profile.path);
        written = writeGeneratedFiles(projectDir, result.files, { force: Boolean(options.force) });
      }
      const { profile: _profile, ...rest } = result;
      if (options.json) printJson({ ...rest, project: result.profile.path, written });
      else {
        process.stdout.write(formatGeneration(result));
        for (const w of written) process.stdout.write(`${w.action} ${w.path}\n`);
        if (options.write && failed) process.stderr.write('Nothing was written: a generated file did not pass its checks (see above).\n');
      }
      if (!result.files.length || failed) throw new CliExit(1);
    });
}
