import assert from 'node:assert/strict';
import { writeFileSync, openSync, ftruncateSync, closeSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { loadRecommendation, validateRecommendation } from '../../../src/core/recommendation/load';
import { DeployAgentError } from '../../../src/core/errors';
import { tempDir } from '../../support/temp';

describe('recommendation input', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => (dir = tempDir()));
  afterEach(() => dir.cleanup());
  const write = (name: string, value: unknown) => {
    const file = path.join(dir.path, name);
    writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
    return file;
  };

  it('accepts a full recommendation', async () => {
    const file = write('ok.json', {
      title: 'Add a health endpoint', description: 'GET /health returns 200', id: 'rec-1', category: 'feature',
      source: { book: 'Release It!', chapter: '17', url: 'https://example.com/x' }, acceptanceCriteria: ['GET /health answers 200'],
      dataRequirements: { tables: ['users'], features: ['email'] }, integrationPoints: { existingSystems: ['express'], dependencies: ['express'] },
      targetFiles: ['src/app.js'], priority: 'high',
    });
    const { recommendation } = await loadRecommendation(file);
    assert.equal(recommendation.title, 'Add a health endpoint');
  });

  it('names every wrong field and what is expected', async () => {
    const file = write('bad.json', { description: '', category: 'wish', acceptanceCriteria: 'one', source: { url: 'not a url' }, extra: 1 });
    await assert.rejects(loadRecommendation(file), (error: unknown) => {
      assert.ok(error instanceof DeployAgentError);
      assert.equal(error.code, 'RECOMMENDATION_INVALID');
      assert.match(error.message, /"title" is required/);
      assert.match(error.message, /"description" must not be empty/);
      assert.match(error.message, /"category" must be one of feature, refactor/);
      assert.match(error.message, /"acceptanceCriteria" must be an array/);
      assert.match(error.message, /"source\.url" must be a uri/);
      assert.match(error.message, /"extra" is not a recommendation field/);
      return true;
    });
  });

  it('explains bad JSON, a missing file, and a file over 50 MB without reading it', async () => {
    await assert.rejects(loadRecommendation(write('syntax.json', '{"title": "x",}')), (e: unknown) => e instanceof DeployAgentError && e.code === 'RECOMMENDATION_INVALID_JSON');
    await assert.rejects(loadRecommendation(path.join(dir.path, 'missing.json')), (e: unknown) => e instanceof DeployAgentError && e.code === 'RECOMMENDATION_NOT_FOUND');
    const huge = path.join(dir.path, 'huge.json');
    const fd = openSync(huge, 'w');
    ftruncateSync(fd, 51 * 1024 * 1024); // sparse: 51 MB of zero bytes, which would not parse
    closeSync(fd);
    await assert.rejects(loadRecommendation(huge), (e: unknown) => e instanceof DeployAgentError && e.code === 'RECOMMENDATION_TOO_LARGE');
  });

  it('parses and validates a 10 MB recommendation', async () => {
    const description = 'Implement the thing. '.repeat(500_000); // ~10.5 MB
    const { recommendation } = await loadRecommendation(write('big.json', { title: 'Big', description }));
    assert.equal(recommendation.description.length, description.length);
  });

  it('never crashes without a clear error on arbitrary JSON values (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        try {
          validateRecommendation(value);
        } catch (error) {
          return error instanceof DeployAgentError && error.code === 'RECOMMENDATION_INVALID' && error.message.length > 0;
        }
        return true;
      }),
      { numRuns: 500 },
    );
  });
});
