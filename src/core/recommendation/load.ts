import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { Stats } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import schema from '../../../schemas/recommendation.schema.json';
import { DeployAgentError } from '../errors';
import type { Recommendation } from './types';

/** Files above this are refused before they are read. */
export const RECOMMENDATION_REFUSE_BYTES = 50 * 1024 * 1024;

let compiled: ValidateFunction<Recommendation> | undefined;

/** The schema's validator, compiled on first use: compiling it is ~30 ms that loading this module need not pay. */
function validate(value: unknown): value is Recommendation {
  if (!compiled) {
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    compiled = ajv.compile<Recommendation>(schema);
  }
  return compiled(value);
}

/** The problems of the last call of validate(). */
const validationErrors = (): ErrorObject[] => compiled?.errors ?? [];

/**
 * Reads, parses and validates a recommendation file against schemas/recommendation.schema.json
 * (the file VS Code also uses for IntelliSense). Every problem names the field and what is expected.
 */
export async function loadRecommendation(file: string): Promise<{ recommendation: Recommendation; warnings: string[] }> {
  let info: Stats;
  try {
    info = await stat(file);
  } catch (error) {
    throw new DeployAgentError('RECOMMENDATION_NOT_FOUND', `Cannot read the recommendation file ${file}.`, 'Check the path.', { cause: error });
  }
  if (info.isDirectory()) {
    throw new DeployAgentError('RECOMMENDATION_IS_FOLDER', `${file} is a folder, not a recommendation file.`, 'Give the path of the recommendation JSON file inside it.');
  }
  if (info.size > RECOMMENDATION_REFUSE_BYTES) throw tooLarge(`is ${(info.size / 1024 / 1024).toFixed(1)} MB`);
  // A device or a pipe reports no size (/dev/urandom, <(…)): the read itself stops past the limit.
  const bytes = await readAtMost(file, RECOMMENDATION_REFUSE_BYTES + 1);
  if (bytes.length > RECOMMENDATION_REFUSE_BYTES) throw tooLarge('holds more than 50 MB');
  let value: unknown;
  try {
    // A UTF-8 byte order mark (Windows editors write one) is not part of the JSON.
    value = JSON.parse(bytes.toString('utf8').replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new DeployAgentError('RECOMMENDATION_INVALID_JSON', `${file} is not valid JSON: ${(error as Error).message}.`, 'Fix the JSON syntax (keys and strings in double quotes, no trailing commas).', { cause: error });
  }
  return { recommendation: validateRecommendation(value, file), warnings: [] };
}

function tooLarge(what: string): DeployAgentError {
  return new DeployAgentError(
    'RECOMMENDATION_TOO_LARGE',
    `The recommendation file ${what}; the limit is 50 MB.`,
    'Split the recommendation into smaller ones, or move long material into files in the repository and name them in targetFiles.',
  );
}

/** The first `limit` bytes of a file (all of it when shorter), read in chunks: never more is held in memory. */
async function readAtMost(file: string, limit: number): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    while (total < limit) {
      const chunk = Buffer.allocUnsafe(Math.min(1024 * 1024, limit - total));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      chunks.push(chunk.subarray(0, bytesRead));
      total += bytesRead;
    }
    return Buffer.concat(chunks, total);
  } finally {
    await handle.close();
  }
}

/** Validates an already parsed value; throws RECOMMENDATION_INVALID naming every wrong field. */
export function validateRecommendation(value: unknown, where = 'The recommendation'): Recommendation {
  if (validate(value)) return value;
  const problems = [...new Set((validationErrors()).map(describeProblem))];
  throw new DeployAgentError(
    'RECOMMENDATION_INVALID',
    `The recommendation ${where} is not valid: ${problems.join('; ')}.`,
    'Fix the fields named above (title and description are required); schemas/recommendation.schema.json documents every field.',
    { details: { problems } },
  );
}

/** One problem of a recommendation, for a form: the field it is about (`title`, `acceptanceCriteria[1]`, '' for the whole) and what is wrong. */
export interface RecommendationProblem {
  field: string;
  message: string;
}

/** The schema's problems with `value`, one per field (empty when valid): the panel's form shows them as the user types. */
export function recommendationProblems(value: unknown): RecommendationProblem[] {
  if (validate(value)) return [];
  const seen = new Set<string>();
  const problems: RecommendationProblem[] = [];
  for (const error of validationErrors()) {
    const message = describeProblem(error);
    if (seen.has(message)) continue;
    seen.add(message);
    problems.push({ field: fieldOf(error), message });
  }
  return problems;
}

/** The categories the schema allows, in its order (the form's choices; the schema stays the one source). */
export const RECOMMENDATION_CATEGORIES: readonly string[] = (schema as { properties: { category: { enum: string[] } } }).properties.category.enum;
/** The priorities the schema allows, lowest first (the form's choices). */
export const RECOMMENDATION_PRIORITIES: readonly string[] = (schema as { properties: { priority: { enum: string[] } } }).properties.priority.enum;

function fieldOf(error: ErrorObject): string {
  const path = error.instancePath.replace(/^\//, '').replace(/\/(\d+)/g, '[$1]').replace(/\//g, '.');
  const missing = error.keyword === 'required' ? String((error.params as { missingProperty?: string }).missingProperty ?? '') : error.keyword === 'additionalProperties' ? String((error.params as { additionalProperty?: string }).additionalProperty ?? '') : '';
  return missing ? (path ? `${path}.${missing}` : missing) : path;
}

function describeProblem(error: ErrorObject): string {
  const field = error.instancePath.replace(/^\//, '').replace(/\/(\d+)/g, '[$1]').replace(/\//g, '.');
  const named = field ? `"${field}"` : 'the file';
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return `"${field ? `${field}.` : ''}${String(params.missingProperty)}" is required (a non-empty string)`;
    case 'additionalProperties':
      return `"${field ? `${field}.` : ''}${String(params.additionalProperty)}" is not a recommendation field`;
    case 'type':
      return field ? `${named} must be ${params.type === 'array' ? 'an array' : `a ${String(params.type)}`}` : 'the file must hold one JSON object';
    case 'enum':
      return `${named} must be one of ${(params.allowedValues as unknown[]).join(', ')}`;
    case 'minLength':
      return `${named} must not be empty`;
    case 'maxLength':
      return `${named} must be at most ${String(params.limit)} characters`;
    case 'format':
      return `${named} must be a ${String(params.format)}`;
    default:
      return `${named} ${error.message ?? 'is invalid'}`;
  }
}
