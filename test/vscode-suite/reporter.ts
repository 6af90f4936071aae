// Mocha reporter for the suite inside the extension host: the window does not close when the
// suite ends (code-server), so the harness waits for this JSON file instead of an exit code.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Mocha from 'mocha';
import { extras, RESULTS_ENV } from './results';

export interface TestOutcome {
  title: string;
  state: 'passed' | 'failed' | 'pending';
  durationMs: number | undefined;
  error?: string;
}

export interface SuiteResults {
  passed: number;
  failed: number;
  pending: number;
  tests: TestOutcome[];
  startedAt: string;
  finishedAt: string;
  extras: Record<string, unknown>;
  error?: string;
}

/** Writes the results atomically (the harness polls for the file). */
export function writeResults(results: SuiteResults): void {
  const file = process.env[RESULTS_ENV];
  if (!file) return;
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(`${file}.tmp`, JSON.stringify(results, null, 2) + '\n');
  renameSync(`${file}.tmp`, file);
}

export class JsonFileReporter extends Mocha.reporters.Base {
  constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
    super(runner, options);
    const tests: TestOutcome[] = [];
    const startedAt = new Date().toISOString();
    const line = (text: string) => console.log(`[deploy-agent suite] ${text}`);
    runner.on(Mocha.Runner.constants.EVENT_TEST_PASS, (test) => {
      tests.push({ title: test.fullTitle(), state: 'passed', durationMs: test.duration });
      line(`ok ${test.fullTitle()}`);
    });
    runner.on(Mocha.Runner.constants.EVENT_TEST_FAIL, (test, error: Error) => {
      tests.push({ title: test.fullTitle(), state: 'failed', durationMs: test.duration, error: error.stack ?? error.message });
      line(`FAILED ${test.fullTitle()}: ${error.message}`);
    });
    runner.on(Mocha.Runner.constants.EVENT_TEST_PENDING, (test) => {
      tests.push({ title: test.fullTitle(), state: 'pending', durationMs: undefined });
    });
    runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
      const count = (state: TestOutcome['state']) => tests.filter((t) => t.state === state).length;
      writeResults({ passed: count('passed'), failed: count('failed'), pending: count('pending'), tests, startedAt, finishedAt: new Date().toISOString(), extras });
    });
  }
}
