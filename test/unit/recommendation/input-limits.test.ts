import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadRecommendation } from '../../../src/core/recommendation/load';
import { DeployAgentError } from '../../../src/core/errors';
import { tempDir } from '../../support/temp';

const LOAD = path.resolve(__dirname, '../../../src/core/recommendation/load.ts');

describe('recommendation input: what is not a recommendation file', function () {
  this.timeout(90_000);
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => (dir = tempDir()));
  afterEach(() => dir.cleanup());

  it('an endless device (/dev/urandom) is refused as too large after reading at most the limit, in bounded memory', () => {
    // In a process of its own, so that its peak memory is its own.
    const script = `import(${JSON.stringify(LOAD)}).then((m) => m.loadRecommendation('/dev/urandom')).then(
      () => console.log(JSON.stringify({ code: 'LOADED' })),
      (e) => console.log(JSON.stringify({ code: e.code, message: e.message, maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024) })),
    );`;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(child.signal, null, `killed (${child.signal}): it kept reading`);
    const out = JSON.parse(child.stdout.trim().split('\n').at(-1)!) as { code: string; message: string; maxRssMb: number };
    assert.equal(out.code, 'RECOMMENDATION_TOO_LARGE', out.message);
    assert.match(out.message, /holds more than 50 MB/);
    assert.ok(out.maxRssMb < 400, `peak memory ${out.maxRssMb} MB`);
  });

  it('a folder says it is a folder (not "fix the JSON syntax")', async () => {
    const folder = path.join(dir.path, 'recommendations');
    mkdirSync(folder);
    await assert.rejects(loadRecommendation(folder), (e: unknown) => {
      assert.ok(e instanceof DeployAgentError);
      assert.equal(e.code, 'RECOMMENDATION_IS_FOLDER');
      assert.equal(e.message, `${folder} is a folder, not a recommendation file.`);
      assert.match(e.hint, /JSON file inside it/);
      return true;
    });
  });

  it('a UTF-8 byte order mark before the JSON is accepted', async () => {
    const file = path.join(dir.path, 'bom.json');
    writeFileSync(file, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify({ title: 'Saved on Windows', description: 'With a BOM' }))]));
    const { recommendation } = await loadRecommendation(file);
    assert.equal(recommendation.title, 'Saved on Windows');
  });
});
