import assert from 'node:assert/strict';
import fc from 'fast-check';
import { describeOmitted, fitRecommendation, textSize } from '../../../src/core/recommendation/fit';
import { validateRecommendation } from '../../../src/core/recommendation/load';
import type { Recommendation } from '../../../src/core/recommendation/types';

describe('fitting a recommendation into the prompt budget', () => {
  it('leaves a recommendation that fits untouched and says nothing was left out', () => {
    const rec: Recommendation = { title: 'Add mul', description: 'Add a multiplication helper.', acceptanceCriteria: ['mul(2, 3) returns 6'], targetFiles: ['src/mul.js'] };
    const fitted = fitRecommendation(rec, 12_000);
    assert.deepEqual(fitted.recommendation, rec);
    assert.deepEqual(fitted.omitted, []);
  });

  it('fits a 10 MB description and 5,000 criteria, keeping the head of each, and states what it left out', () => {
    const description = 'Implement the thing. '.repeat(500_000);
    const criteria = Array.from({ length: 5000 }, (_, i) => `criterion ${i} must hold`);
    const fitted = fitRecommendation({ title: 'Big', description, acceptanceCriteria: criteria }, 12_000);
    assert.ok(fitted.size <= 12_000, `fitted size ${fitted.size}`);
    assert.ok(description.startsWith(fitted.recommendation.description));
    assert.equal(fitted.recommendation.acceptanceCriteria![0], 'criterion 0 must hold', 'the first criteria are kept, in order');
    const byField = new Map(fitted.omitted.map((o) => [o.field, o]));
    assert.equal(byField.get('description')!.total, description.length);
    assert.equal(byField.get('description')!.kept, fitted.recommendation.description.length);
    assert.equal(byField.get('acceptanceCriteria')!.total, 5000);
    assert.equal(byField.get('acceptanceCriteria')!.kept, fitted.recommendation.acceptanceCriteria!.length);
    assert.match(describeOmitted(fitted.omitted).join('; '), /description: kept [\d,]+ of 10,500,000 characters/);
  });

  it('the criteria come before the description: a long description never pushes out the criteria', () => {
    const fitted = fitRecommendation({ title: 'T', description: 'x'.repeat(100_000), acceptanceCriteria: ['a', 'b', 'c'] }, 2_000);
    assert.deepEqual(fitted.recommendation.acceptanceCriteria, ['a', 'b', 'c']);
    assert.ok(fitted.omitted.some((o) => o.field === 'description'));
  });

  it('for any valid recommendation the fitted one is valid, within the budget (plus the slack of the floors: 200 characters of description, the first item of each list) and a prefix of the original (property)', () => {
    const text = (max: number) => fc.string({ minLength: 1, maxLength: max });
    const recommendation = fc.record(
      {
        title: text(600),
        description: text(20_000),
        acceptanceCriteria: fc.array(text(1_500), { maxLength: 60 }),
        targetFiles: fc.array(text(400), { maxLength: 60 }),
        integrationPoints: fc.record({ existingSystems: fc.array(text(200), { maxLength: 30 }), dependencies: fc.array(text(200), { maxLength: 30 }) }, { requiredKeys: [] }),
      },
      { requiredKeys: ['title', 'description'] },
    );
    fc.assert(
      fc.property(recommendation, fc.integer({ min: 1_000, max: 30_000 }), (rec, budget) => {
        const fitted = fitRecommendation(rec as Recommendation, budget);
        validateRecommendation(fitted.recommendation);
        // Floors: the description keeps at least 200 characters; each list keeps its first item (a criterion ≤ 600, the five other lists ≤ 300 each).
        assert.ok(fitted.size <= budget + 200 + 600 + 5 * 300, `size ${fitted.size} budget ${budget}`);
        assert.ok(rec.description.startsWith(fitted.recommendation.description));
        for (const [i, c] of (fitted.recommendation.acceptanceCriteria ?? []).entries()) assert.ok(rec.acceptanceCriteria![i]!.startsWith(c));
        // Something left out ⇔ the fitted text is shorter than the original.
        assert.equal(fitted.omitted.length > 0, fitted.size < textSize(rec as Recommendation));
      }),
      { numRuns: 300 },
    );
  });
});
