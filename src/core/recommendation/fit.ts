import { loadRecommendation } from './load';
import type { Recommendation } from './types';

/**
 * Large recommendations are handled, not refused: the recommendation goes into every phase's
 * prompt as an essential section, so it is fitted into a character budget first, and what was
 * left out is stated (in the deployment's warnings and its report) instead of silently lost.
 *
 * Order of importance: the title, the acceptance criteria (they become the first tests), the
 * description, then the lists (target files, integration points, data requirements, source).
 */
export const RECOMMENDATION_PROMPT_CHARS = 12_000;

export interface OmittedPart {
  /** The field, e.g. `description`, `acceptanceCriteria`, `acceptanceCriteria[3]`. */
  field: string;
  kept: number;
  total: number;
  unit: 'characters' | 'items';
}

export interface FittedRecommendation {
  recommendation: Recommendation;
  omitted: OmittedPart[];
  /** Characters of the fitted recommendation's text fields. */
  size: number;
}

const TITLE_CHARS = 300;
const CRITERION_CHARS = 600;
const LIST_ITEM_CHARS = 300;
/** Shares of the budget: acceptance criteria first, then the description, then each list. */
const CRITERIA_SHARE = 0.35;
const LIST_SHARE = 0.06;

export function fitRecommendation(input: Recommendation, budget = RECOMMENDATION_PROMPT_CHARS): FittedRecommendation {
  const omitted: OmittedPart[] = [];
  const out: Recommendation = { ...input };
  let left = budget;

  out.title = cut(input.title, TITLE_CHARS, 'title', omitted);
  left -= out.title.length;

  if (input.acceptanceCriteria) {
    const { items, used } = fitList(input.acceptanceCriteria, Math.floor(budget * CRITERIA_SHARE), CRITERION_CHARS, 'acceptanceCriteria', omitted);
    out.acceptanceCriteria = items;
    left -= used;
  }

  // The lists get a small fixed share each; the description gets what remains after them.
  const lists: [string, string[] | undefined, (items: string[]) => void][] = [
    ['targetFiles', input.targetFiles, (v) => (out.targetFiles = v)],
    ['integrationPoints.existingSystems', input.integrationPoints?.existingSystems, (v) => (out.integrationPoints = { ...out.integrationPoints, existingSystems: v })],
    ['integrationPoints.dependencies', input.integrationPoints?.dependencies, (v) => (out.integrationPoints = { ...out.integrationPoints, dependencies: v })],
    ['dataRequirements.tables', input.dataRequirements?.tables, (v) => (out.dataRequirements = { ...out.dataRequirements, tables: v })],
    ['dataRequirements.features', input.dataRequirements?.features, (v) => (out.dataRequirements = { ...out.dataRequirements, features: v })],
  ];
  const listBudget = Math.floor(budget * LIST_SHARE);
  for (const [field, items, set] of lists) {
    if (!items) continue;
    const fitted = fitList(items, listBudget, LIST_ITEM_CHARS, field, omitted);
    set(fitted.items);
    left -= fitted.used;
  }
  if (input.source) {
    out.source = Object.fromEntries(Object.entries(input.source).map(([k, v]) => [k, cut(String(v), LIST_ITEM_CHARS, `source.${k}`, omitted)]));
    left -= Object.values(out.source).reduce((n, v) => n + String(v).length, 0);
  }

  out.description = cut(input.description, Math.max(200, left), 'description', omitted);
  return { recommendation: out, omitted, size: textSize(out) };
}

/** A sentence per omitted part, for warnings and the report. */
export function describeOmitted(omitted: readonly OmittedPart[]): string[] {
  return omitted.map((o) => `${o.field}: kept ${o.kept.toLocaleString('en-US')} of ${o.total.toLocaleString('en-US')} ${o.unit}`);
}

/** The characters of a recommendation's text fields (what the prompt carries). */
export function textSize(r: Recommendation): number {
  const strings = [r.title, r.description, r.id, r.category, r.priority, ...(r.acceptanceCriteria ?? []), ...(r.targetFiles ?? []), ...(r.integrationPoints?.existingSystems ?? []), ...(r.integrationPoints?.dependencies ?? []), ...(r.dataRequirements?.tables ?? []), ...(r.dataRequirements?.features ?? []), ...Object.values(r.source ?? {})];
  return strings.reduce((n, s) => n + (s ? String(s).length : 0), 0);
}

function cut(text: string, max: number, field: string, omitted: OmittedPart[]): string {
  if (text.length <= max) return text;
  omitted.push({ field, kept: max, total: text.length, unit: 'characters' });
  // Cut at a code-point boundary so no half surrogate pair reaches the model.
  const head = Array.from(text.slice(0, max + 1)).join('').slice(0, max);
  return /[\uD800-\uDBFF]$/.test(head) ? head.slice(0, -1) : head;
}

function fitList(items: readonly string[], budget: number, itemChars: number, field: string, omitted: OmittedPart[]): { items: string[]; used: number } {
  const kept: string[] = [];
  const cuts: OmittedPart[] = [];
  let used = 0;
  for (let i = 0; i < items.length; i++) {
    const length = Math.min(items[i]!.length, itemChars);
    if (used + length > budget && kept.length > 0) break;
    kept.push(cut(items[i]!, itemChars, `${field}[${i}]`, cuts));
    used += length;
  }
  omitted.push(...cuts);
  if (kept.length < items.length) omitted.push({ field, kept: kept.length, total: items.length, unit: 'items' });
  return { items: kept, used };
}

/**
 * A recommendation as a deployment takes it (a file, validated by load.ts, or one already
 * validated): fitted into the prompt budget, with a warning that says what the prompts will not carry.
 */
export async function loadFittedRecommendation(file: string): Promise<{ recommendation: Recommendation; warnings: string[]; omitted: OmittedPart[] }> {
  const loaded = await loadRecommendation(file);
  const fitted = fitWithWarning(loaded.recommendation);
  return { ...fitted, warnings: [...loaded.warnings, ...fitted.warnings] };
}

export function fitWithWarning(recommendation: Recommendation): { recommendation: Recommendation; warnings: string[]; omitted: OmittedPart[] } {
  const fitted = fitRecommendation(recommendation);
  const warnings = fitted.omitted.length
    ? [`The recommendation is larger than the prompt budget (${RECOMMENDATION_PROMPT_CHARS.toLocaleString('en-US')} characters); left out: ${describeOmitted(fitted.omitted).join('; ')}.`]
    : [];
  return { recommendation: fitted.recommendation, warnings, omitted: fitted.omitted };
}
