import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import fc from 'fast-check';
// @ts-expect-error the build's plugin is plain ESM JavaScript without type declarations
import { precompiledRecommendationValidator } from '../../../scripts/recommendation-validator.mjs';
import { recommendationValidator } from '../../../src/core/recommendation/validator';
import { tempDir } from '../../support/temp';

const root = path.resolve(__dirname, '..', '..', '..');

type Validate = ((value: unknown) => boolean) & { errors?: unknown[] | null };

/** The verdict and the errors, as load.ts reads them. */
function judge(validate: Validate, value: unknown): { valid: boolean; errors: unknown } {
  const valid = validate(value);
  return { valid, errors: valid ? null : validate.errors };
}

const full = {
  title: 'Add a health endpoint',
  description: 'GET /health returns 200',
  id: 'rec-1',
  category: 'feature',
  source: { book: 'Release It!', chapter: '17', url: 'https://example.com/x' },
  acceptanceCriteria: ['GET /health answers 200'],
  dataRequirements: { tables: ['users'], features: ['email'] },
  integrationPoints: { existingSystems: ['express'], dependencies: ['express'] },
  targetFiles: ['src/app.js'],
  priority: 'high',
};

describe('the recommendation validator generated at build time (scripts/recommendation-validator.mjs) judges as the compiled one', function () {
  this.timeout(60_000);
  let precompiled: Validate;
  let bundled: string;
  const dir = tempDir();
  after(() => dir.cleanup());

  before(async () => {
    // validator.ts bundled as scripts/build.mjs bundles it for the extension and the CLI.
    const result = await build({ entryPoints: [path.join(root, 'src', 'core', 'recommendation', 'validator.ts')], bundle: true, platform: 'node', format: 'cjs', write: false, plugins: [precompiledRecommendationValidator(root)], logLevel: 'silent' });
    bundled = result.outputFiles[0]!.text;
    const file = path.join(dir.path, 'validator.cjs');
    writeFileSync(file, bundled);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    precompiled = (require(file) as { recommendationValidator(): Validate }).recommendationValidator();
  });

  it('the bundle carries the generated code, not Ajv’s compiler', () => {
    assert.match(bundled, /function validate\d+\(data/);
    assert.doesNotMatch(bundled, /node_modules\/ajv\/dist\/(core|compile\/index)\.js/);
  });

  it('the same verdict and errors for valid and invalid recommendations', () => {
    const compiled = recommendationValidator() as Validate;
    const cases: unknown[] = [
      full,
      { title: 't', description: 'd' },
      { description: '', category: 'wish', acceptanceCriteria: 'one', source: { url: 'not a url' }, extra: 1 },
      { title: 'x'.repeat(201), description: 'd', priority: 'urgent', targetFiles: [1, 'a'] },
      { ...full, integrationPoints: { existingSystems: 'express', other: [] }, dataRequirements: null },
      { ...full, acceptanceCriteria: [], source: { url: 'https://example.com', pages: 3 } },
      [],
      null,
      'a recommendation',
      42,
    ];
    for (const value of cases) assert.deepEqual(judge(precompiled, value), judge(compiled, value), JSON.stringify(value));
  });

  it('the same verdict and errors for generated values (fast-check)', () => {
    const compiled = recommendationValidator() as Validate;
    const anyField = fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.oneof(fc.string(), fc.integer())), fc.dictionary(fc.string(), fc.string()));
    const keys = [...Object.keys(full), 'extra'];
    const recommendationLike = fc.dictionary(fc.constantFrom(...keys), fc.oneof(anyField, fc.constantFrom(...Object.values(full))));
    fc.assert(
      fc.property(fc.oneof(recommendationLike, fc.jsonValue()), (value) => {
        assert.deepEqual(judge(precompiled, value), judge(compiled, value));
      }),
      { numRuns: 500 },
    );
  });
});
