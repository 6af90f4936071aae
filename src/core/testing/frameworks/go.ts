import path from 'node:path';
import { coverageFromGoProfile } from '../parsers/coverage';
import { parseGoTestJson } from '../parsers/go-json';
import { findExecutable, toolchainDirs } from '../tools';
import type { AdapterContext, CommandPlan, FrameworkAdapter } from './adapter';
import { display, readReport, toolMissing } from './common';

/**
 * `go test -json` (test2json events), on the packages holding the chosen test files or on
 * `./...`; `-p`/`-parallel` from the strategy; coverage as a cover profile (statements). The
 * user's module and build caches are used as they are (GOMODCACHE, GOCACHE).
 */
export const goTest: FrameworkAdapter = {
  id: 'go-test',
  async plan(ctx: AdapterContext): Promise<CommandPlan> {
    const go = findExecutable('go', ctx.env, toolchainDirs());
    if (!go) throw toolMissing('go-test', 'the go command was not found', 'Install Go (https://go.dev/doc/install, or `apt-get install golang-go`) and put it on PATH, then deploy again.');
    const packages = ctx.files.length ? [...new Set(ctx.files.map((f) => (path.dirname(f) === '.' ? '.' : `./${path.dirname(f)}`)))] : ['./...'];
    const profile = path.join(ctx.scratch, 'cover.out');
    const coverage = ctx.coverage ? ['-cover', `-coverprofile=${profile}`] : [];
    const workers = [`-p=${ctx.workers}`, `-parallel=${ctx.workers}`];
    return {
      command: go,
      args: ['test', '-json', ...workers, ...coverage, ...packages],
      display: display(['go', 'test', '-json', ...workers, ...(ctx.coverage ? ['-cover'] : []), ...packages]),
      wholeStdout: true,
      parse: (finished) => {
        const stdout = finished.stdout ?? '';
        const parsed = parseGoTestJson(stdout, finished.stderr);
        const noTests = parsed.counts.passed + parsed.counts.failed + parsed.counts.skipped === 0;
        const report = coverage.length ? readReport(profile) : undefined;
        const cov = report ? coverageFromGoProfile(report) : undefined;
        return {
          counts: parsed.counts,
          failures: parsed.failures,
          ...(parsed.cases ? { cases: parsed.cases } : {}),
          output: parsed.text,
          ...(cov !== undefined ? { coverage: cov } : {}),
          ...(coverage.length && cov === undefined ? { coverageNote: 'go wrote no cover profile' } : {}),
          ...(noTests && finished.code !== 0 && !stdout.trim() ? { noReport: true } : {}),
        };
      },
    };
  },
};
