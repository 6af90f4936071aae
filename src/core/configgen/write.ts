import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DeployAgentError } from '../errors';
import type { GeneratedFile } from './types';

export interface WrittenFile {
  path: string;
  action: 'created' | 'replaced' | 'merged';
}

/**
 * Writes generated files into a project folder. A file that exists is refused unless `force` —
 * all of them are checked before any is written, so a refusal changes nothing. A `merge` file (the
 * JSON configuration) keeps everything else in it: only its generated entries are added, and one
 * that is already there is refused unless `force`.
 */
export function writeGeneratedFiles(dir: string, files: readonly GeneratedFile[], options: { force?: boolean } = {}): WrittenFile[] {
  const plans = files.map((file) => {
    const target = path.join(dir, ...file.path.split('/'));
    if (file.mode === 'merge') return { file, target, ...mergePlan(target, file) };
    return { file, target, content: file.content, clash: existsSync(target) ? `${file.path} exists` : undefined, action: existsSync(target) ? ('replaced' as const) : ('created' as const) };
  });
  const clashes = plans.filter((p) => p.clash);
  if (clashes.length && !options.force) {
    throw new DeployAgentError('CONFIG_EXISTS', `Nothing was written: ${clashes.map((c) => c.clash).join('; ')}.`, 'Compare with the printed files (run without --write), then run again with --force to replace them.', {
      details: { files: clashes.map((c) => c.file.path) },
    });
  }
  for (const p of plans) {
    mkdirSync(path.dirname(p.target), { recursive: true });
    writeFileSync(p.target, p.content);
  }
  return plans.map((p) => ({ path: p.file.path, action: p.action }));
}

function mergePlan(target: string, file: GeneratedFile): { content: string; clash?: string; action: WrittenFile['action'] } {
  if (!existsSync(target)) return { content: file.content, action: 'created' };
  let existing: Record<string, unknown>;
  try {
    existing = JSON.parse(readFileSync(target, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new DeployAgentError('CONFIG_NOT_JSON', `${file.path} is not valid JSON (${(error as Error).message}), so the generated entry cannot be merged into it.`, 'Fix the file, then run again.');
  }
  const generated = JSON.parse(file.content) as Record<string, Record<string, unknown>>;
  const merged: Record<string, unknown> = { ...existing };
  const clashes: string[] = [];
  for (const [section, entries] of Object.entries(generated)) {
    const current = (existing[section] && typeof existing[section] === 'object' ? existing[section] : {}) as Record<string, unknown>;
    for (const key of Object.keys(entries)) if (key in current) clashes.push(`${section}.${key}`);
    merged[section] = { ...current, ...entries };
  }
  return { content: `${JSON.stringify(merged, null, 2)}\n`, action: 'merged', ...(clashes.length ? { clash: `${file.path} already has ${clashes.join(', ')}` } : {}) };
}
