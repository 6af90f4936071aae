import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { coverageFromIstanbulSummary } from '../parsers/coverage';
import { extractMochaJson, parseMochaJson } from '../parsers/mocha-json';
import { runProcess } from '../run-process';
import { findPackageDir, nodeCommand, resolvePackageBin } from '../tools';
import type { AdapterContext, CommandPlan, FrameworkAdapter } from './adapter';
import { display, projectBin, readReport } from './common';

const execFileAsync = promisify(execFile);

/**
 * mocha with its `json` reporter written to a file (so console output cannot corrupt it); the
 * project's .mocharc (require, node-option, extensions) applies. Coverage through the project's
 * c8 or nyc when it has one. Mocha adds positional files to a configured `spec` rather than
 * replacing it, so running only some files uses a copy of the configuration without `spec`.
 */
export const mocha: FrameworkAdapter = {
  id: 'mocha',
  async plan(ctx: AdapterContext): Promise<CommandPlan> {
    const bin = projectBin('mocha', ctx.projectDir);
    const node = nodeCommand(ctx.env);
    const report = path.join(ctx.scratch, 'mocha.json');
    const config = ctx.files.length ? await configWithoutSpec(node.command, ctx) : undefined;
    const mochaArgs = [bin, '--reporter', 'json', '--reporter-option', `output=${report}`, '--no-color', ...(config ? ['--config', config, '--no-package'] : []), ...ctx.files];
    const shown = ['mocha', '--reporter', 'json', ...ctx.files];
    let coverageNote: string | undefined;
    let args = mochaArgs;
    let covDir: string | undefined;
    if (ctx.coverage) {
      covDir = path.join(ctx.scratch, 'coverage');
      const c8 = resolvePackageBin(ctx.projectDir, 'c8');
      const nyc = c8 ? undefined : resolvePackageBin(ctx.projectDir, 'nyc');
      if (c8) {
        args = [c8, '--reporter=json-summary', `--reports-dir=${covDir}`, `--temp-directory=${path.join(ctx.scratch, 'c8')}`, node.command, ...mochaArgs];
        shown.unshift('c8');
      } else if (nyc) {
        args = [nyc, '--reporter=json-summary', `--report-dir=${covDir}`, `--temp-dir=${path.join(ctx.scratch, 'nyc')}`, '--no-cache', '--silent', node.command, ...mochaArgs];
        shown.unshift('nyc');
      } else {
        coverageNote = 'the project has neither c8 nor nyc, which mocha needs for coverage';
        covDir = undefined;
      }
    }
    return {
      command: node.command,
      args,
      env: node.env,
      display: display(shown),
      wholeStdout: true,
      ...(coverageNote ? { coverageNote } : {}),
      parse: (finished) => {
        const json = readReport(report) ?? extractMochaJson(finished.stdout ?? finished.output);
        if (!json) return { counts: { passed: 0, failed: 0, skipped: 0 }, failures: [], noReport: true };
        const results = parseMochaJson(json);
        const summary = covDir ? readReport(path.join(covDir, 'coverage-summary.json')) : undefined;
        const coverage = summary ? coverageFromIstanbulSummary(summary) : undefined;
        return { ...results, ...(coverage !== undefined ? { coverage } : {}), ...(covDir && coverage === undefined ? { coverageNote: 'the coverage tool wrote no summary' } : {}) };
      },
    };
  },
};

/** The project's mocha configuration (rc file and package.json "mocha"), merged by mocha itself, without `spec`; undefined when there was no spec. */
async function configWithoutSpec(node: string, ctx: AdapterContext): Promise<string | undefined> {
  const mochaDir = findPackageDir(ctx.projectDir, 'mocha');
  if (!mochaDir) return undefined;
  const options = ['lib/cli/options.cjs', 'lib/cli/options.js'].map((f) => path.join(mochaDir, f));
  const script = `
const fs = require('fs');
const file = ${JSON.stringify(options)}.find((f) => fs.existsSync(f));
const o = require(file);
const rc = o.loadRc({}) || {};
const pkg = o.loadPkgRc({}) || {};
const merged = Object.assign({}, pkg, rc);
const had = merged.spec !== undefined;
delete merged.spec; delete merged._; delete merged.config; delete merged.package;
process.stdout.write(JSON.stringify({ had, merged }));`;
  try {
    // Loading an rc file runs it (.mocharc.js is code the model may have written): confined like the tests.
    const stdout = ctx.confinement
      ? await runProcess({ command: node, args: ['-e', script], cwd: ctx.projectDir, env: ctx.env, timeLimitMs: 20_000, keepStdout: true, confinement: ctx.confinement }).then((r) => (r.code === 0 ? (r.stdout ?? '') : ''))
      : (await execFileAsync(node, ['-e', script], { cwd: ctx.projectDir, env: ctx.env, timeout: 20_000 })).stdout;
    const { had, merged } = JSON.parse(stdout) as { had: boolean; merged: Record<string, unknown> };
    if (!had) return undefined;
    const file = path.join(ctx.scratch, 'mocharc.json');
    writeFileSync(file, JSON.stringify(merged));
    return file;
  } catch {
    // Could not read it: run with the configuration as it is (the configured spec runs too).
    return undefined;
  }
}
