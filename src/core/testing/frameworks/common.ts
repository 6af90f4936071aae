import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { DeployAgentError } from '../../errors';
import { coverageFromIstanbulSummary } from '../parsers/coverage';
import { parseJestJson } from '../parsers/jest-json';
import { resolvePackageBin } from '../tools';
import type { FrameworkId } from '../types';
import type { CommandPlan } from './adapter';

/** Reads a report a framework wrote, if it did (reports over 256 MB are not read). */
export function readReport(file: string): string | undefined {
  try {
    if (!existsSync(file) || statSync(file).size > 256 * 1024 * 1024) return undefined;
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

export function toolMissing(framework: FrameworkId, what: string, hint: string): DeployAgentError {
  return new DeployAgentError('TEST_TOOL_MISSING', `The ${framework} tests cannot run: ${what}.`, hint, { details: { framework } });
}

/** Quotes an argument for the displayed command line only. */
export function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, "'\\''")}'`;
}

export function display(parts: string[]): string {
  return parts.map(shellQuote).join(' ');
}

/** The project's own copy of a Node test tool (`node_modules/.bin` of the project or above); refused with what to install when absent. */
export function projectBin(framework: 'mocha' | 'jest' | 'vitest', projectDir: string): string {
  const bin = resolvePackageBin(projectDir, framework);
  if (!bin) throw toolMissing(framework, `${framework} is not installed in the project`, `Add ${framework} to the devDependencies and install them (\`npm install\`), then deploy again.`);
  return bin;
}

/**
 * Results of a tool that writes jest's JSON report (jest itself, vitest's `json` reporter), with
 * line coverage from istanbul's json-summary in `coverageDir` when coverage was asked for.
 */
export function parseJestShapedRun(input: { tool: string; report: string; projectDir: string; coverageDir?: string }): ReturnType<CommandPlan['parse']> {
  const json = readReport(input.report);
  if (!json) return { counts: { passed: 0, failed: 0, skipped: 0 }, failures: [], noReport: true };
  const results = parseJestJson(json, input.projectDir);
  if (!input.coverageDir) return results;
  const summary = readReport(path.join(input.coverageDir, 'coverage-summary.json'));
  const coverage = summary ? coverageFromIstanbulSummary(summary) : undefined;
  return coverage !== undefined ? { ...results, coverage } : { ...results, coverageNote: `${input.tool} wrote no coverage summary` };
}
