import { readFile, stat } from 'node:fs/promises';
import { DeployAgentError } from '../../errors';
import type { Recommendation } from '../../recommendation/types';

/**
 * Interim recommendation loading (until src/core/recommendation's ajv schema lands): size
 * limit before parsing, JSON syntax, and every field checked with the field named in the error.
 */
const REFUSE_BYTES = 50 * 1024 * 1024;
const CATEGORIES = ['feature', 'refactor', 'test', 'fix', 'deployment-config', 'ci', 'documentation', 'performance', 'security', 'dependency', 'other'];
const PRIORITIES = ['low', 'medium', 'high', 'critical'];

export async function loadRecommendation(file: string): Promise<{ recommendation: Recommendation; warnings: string[] }> {
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch (error) {
    throw new DeployAgentError('RECOMMENDATION_NOT_FOUND', `Cannot read the recommendation file ${file}.`, 'Check the path.', { cause: error });
  }
  if (size > REFUSE_BYTES) {
    throw new DeployAgentError('RECOMMENDATION_TOO_LARGE', `The recommendation file is ${(size / 1024 / 1024).toFixed(1)} MB; the limit is 50 MB.`, 'Split the recommendation into smaller ones.');
  }
  let value: unknown;
  try {
    value = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new DeployAgentError('RECOMMENDATION_INVALID_JSON', `${file} is not valid JSON: ${(error as Error).message}.`, 'Fix the JSON syntax.', { cause: error });
  }
  const problems: string[] = [];
  const rec = value as Record<string, unknown>;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) problems.push('the file must hold one JSON object');
  else {
    const text = (key: string, required: boolean) => {
      const v = rec[key];
      if (v === undefined) {
        if (required) problems.push(`"${key}" is required (a non-empty string)`);
      } else if (typeof v !== 'string' || !v.trim()) problems.push(`"${key}" must be a non-empty string`);
    };
    const strings = (key: string, v: unknown) => {
      if (v !== undefined && (!Array.isArray(v) || v.some((x) => typeof x !== 'string'))) problems.push(`"${key}" must be an array of strings`);
    };
    text('title', true);
    text('description', true);
    text('id', false);
    if (rec.category !== undefined && !CATEGORIES.includes(rec.category as string)) problems.push(`"category" must be one of ${CATEGORIES.join(', ')}`);
    if (rec.priority !== undefined && !PRIORITIES.includes(rec.priority as string)) problems.push(`"priority" must be one of ${PRIORITIES.join(', ')}`);
    strings('acceptanceCriteria', rec.acceptanceCriteria);
    strings('targetFiles', rec.targetFiles);
    for (const group of ['dataRequirements', 'integrationPoints'] as const) {
      const g = rec[group];
      if (g === undefined) continue;
      if (typeof g !== 'object' || g === null || Array.isArray(g)) problems.push(`"${group}" must be an object`);
      else for (const [k, v] of Object.entries(g)) strings(`${group}.${k}`, v);
    }
  }
  if (problems.length) {
    throw new DeployAgentError('RECOMMENDATION_INVALID', `The recommendation ${file} is not valid: ${problems.join('; ')}.`, 'Fix the fields named above (title and description are required).', { details: { problems } });
  }
  return { recommendation: value as Recommendation, warnings: [] };
}
