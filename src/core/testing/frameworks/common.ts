import { existsSync, readFileSync, statSync } from 'node:fs';
import { DeployAgentError } from '../../errors';
import type { FrameworkId } from '../types';

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
