import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
// @ts-expect-error the packaging script is plain ESM JavaScript without type declarations
import { MARKETPLACE_README, missingReadmeFiles, packageExtension } from '../../../scripts/package.mjs';
// @ts-expect-error plain ESM JavaScript
import { listZipEntries, readZipEntry } from '../../../scripts/zip-entries.mjs';
import { tempDir } from '../../support/temp';

const ROOT = path.resolve(__dirname, '..', '..', '..');

/** The details page of the Extensions view (and the Marketplace) shows the VSIX's readme.md: a user's README whose images are all in the VSIX. */
describe('the README a VSIX carries (scripts/package.mjs)', function () {
  this.timeout(180_000);

  it('finds the images of a readme that a VSIX does not hold (Markdown and <img>, relative only)', () => {
    const readme = '![a](docs/images/a.png) <img src="./docs/images/b.png" width="3"> ![web](https://example.com/c.png) <img alt="x" src=\'docs/images/d%20e.png\'>';
    assert.deepEqual(missingReadmeFiles(readme, new Set(['extension/docs/images/a.png'])), ['./docs/images/b.png', 'docs/images/d%20e.png']);
    assert.deepEqual(missingReadmeFiles(readme, new Set(['extension/docs/images/a.png', 'extension/docs/images/b.png', 'extension/docs/images/d e.png'])), []);
  });

  it('the repository README (for developers) names screenshots a VSIX of .vscodeignore would not hold, so it is not the one packed', () => {
    const developerReadme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const packed = new Set(readFileSync(path.join(ROOT, '.vscodeignore'), 'utf8').split('\n').filter((l) => l.startsWith('!docs/images/')).map((l) => `extension/${l.slice(1)}`));
    assert.ok(missingReadmeFiles(developerReadme, packed).length > 0, 'if the developer README only showed packed images, this check would prove nothing');
  });

  it('npm run package packs the user README as readme.md with every image it shows, and not the developer README', function () {
    if (!existsSync(path.join(ROOT, 'dist', 'extension.js'))) throw new Error('dist/ is missing: run `npm run build` first');
    const dir = tempDir();
    try {
      const result = packageExtension({ build: false, outDir: dir.path, quiet: true, log: () => undefined });
      const zip = readFileSync(result.file);
      const names = new Set((listZipEntries(zip) as { name: string }[]).map((e) => e.name));
      const readme = readZipEntry(zip, 'extension/readme.md').toString('utf8');
      assert.equal(readme, readFileSync(path.join(ROOT, MARKETPLACE_README), 'utf8'));
      assert.doesNotMatch(readme, /npm run package|From a clone|npm install/, 'a user installs the extension; no build steps');
      assert.deepEqual(missingReadmeFiles(readme, names), []);
      const images = [...names].filter((n) => n.startsWith('extension/docs/images/'));
      assert.ok(images.length >= 4, images.join(', '));
      for (const image of images) assert.ok(readme.includes(image.slice('extension/'.length)), `${image} is packed but the readme does not show it`);
      assert.ok(!names.has('extension/README.md'), 'the developer README stays out');
      assert.match(readZipEntry(zip, 'extension.vsixmanifest').toString('utf8'), /Microsoft\.VisualStudio\.Services\.Content\.Details" Path="extension\/readme\.md"/);
    } finally {
      dir.cleanup();
    }
  });
});
