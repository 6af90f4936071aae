// The recommendation schema's validator (schemas/recommendation.schema.json), compiled on first
// use. The extension's and the CLI's bundles replace this module with the same validator that Ajv
// generated as code at build time (scripts/recommendation-validator.mjs), so they never compile the
// schema: that compile is 30–90 ms on the first list of recommendation files, on the path of the
// panel's first paint. The options here and there are the same; a unit test compares the two.
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import schema from '../../../schemas/recommendation.schema.json';
import type { Recommendation } from './types';

let compiled: ValidateFunction<Recommendation> | undefined;

export function recommendationValidator(): ValidateFunction<Recommendation> {
  if (!compiled) {
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    compiled = ajv.compile<Recommendation>(schema);
  }
  return compiled;
}
