import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { coverageFromCobertura } from '../parsers/coverage';
import { parseJunit, pytestModuleFile } from '../parsers/junit';
import { choosePython, sandboxPythonPath } from '../python-env';
import { probe } from '../tools';
import type { AdapterContext, CommandPlan, FrameworkAdapter } from './adapter';
import { display, readReport, toolMissing } from './common';

/**
 * `python -m pytest` with `--junitxml` into a private folder, no cache folder, no bytecode,
 * the sandbox's code first on PYTHONPATH, and coverage through pytest-cov (its Cobertura XML
 * report) when the chosen Python has it. The Python is the user's virtualenv when there is one.
 */
export const pytest: FrameworkAdapter = {
  id: 'pytest',
  async plan(ctx: AdapterContext): Promise<CommandPlan> {
    const choice = choosePython({ projectDir: ctx.projectDir, ...(ctx.userProjectDir ? { userProjectDir: ctx.userProjectDir } : {}), env: ctx.env });
    if (!choice) throw toolMissing('pytest', 'no Python was found (no virtualenv in the project, no python3 on PATH)', 'Create a virtualenv in the project (`python3 -m venv .venv && .venv/bin/pip install pytest`) or put python3 on PATH, then deploy again.');
    if (!(await probe(choice.python, ['-c', 'import pytest'], ctx.env, undefined, ctx.confinement))) {
      throw toolMissing('pytest', `pytest is not installed for ${choice.python} (${choice.source})`, `Install it there (\`${choice.python} -m pip install pytest\`), then deploy again.`);
    }
    const junit = path.join(ctx.scratch, 'junit.xml');
    const covXml = path.join(ctx.scratch, 'coverage.xml');
    let coverage: string[] = [];
    let coverageNote: string | undefined;
    if (ctx.coverage) {
      if (await probe(choice.python, ['-c', 'import pytest_cov'], ctx.env, undefined, ctx.confinement)) {
        // Tests themselves are left out of the percentage, as the other tools do by default.
        const rc = path.join(ctx.scratch, 'coveragerc');
        writeFileSync(rc, '[run]\nomit =\n    */test_*.py\n    */*_test.py\n    */conftest.py\n    */tests/*\n    */test/*\n');
        coverage = ['--cov=.', `--cov-config=${rc}`, `--cov-report=xml:${covXml}`];
      } else coverageNote = `pytest-cov is not installed for ${choice.python}`;
    }
    // pytest-xdist, when the strategy allows parallel workers and the virtualenv has it.
    const workers = ctx.workers > 1 && (await probe(choice.python, ['-c', 'import xdist'], ctx.env, undefined, ctx.confinement)) ? ['-n', String(ctx.workers)] : [];
    return {
      command: choice.python,
      args: ['-m', 'pytest', '-p', 'no:cacheprovider', '-rfE', `--junitxml=${junit}`, ...coverage, ...workers, ...ctx.files],
      env: { PYTHONPATH: sandboxPythonPath(ctx.projectDir, ctx.env.PYTHONPATH), COVERAGE_FILE: path.join(ctx.scratch, '.coverage') },
      display: display([path.basename(choice.python), '-m', 'pytest', ...(coverage.length ? ['--cov=.'] : []), ...ctx.files]),
      ...(coverageNote ? { coverageNote } : {}),
      parse: (finished) => {
        const xml = readReport(junit);
        if (!xml) return { counts: { passed: 0, failed: 0, skipped: 0 }, failures: [], noReport: true };
        const results = parseJunit(xml, { fileOfModule: (classname) => pytestModuleFile(classname, (file) => existsSync(path.join(ctx.projectDir, file))) });
        const report = coverage.length ? readReport(covXml) : undefined;
        const cov = report ? coverageFromCobertura(report) : undefined;
        // Exit code 5: no test was collected (not a failure of the run itself).
        return { ...results, ...(cov !== undefined ? { coverage: cov } : {}), ...(coverage.length && cov === undefined && finished.code !== 5 ? { coverageNote: 'pytest-cov wrote no report' } : {}) };
      },
    };
  },
};
