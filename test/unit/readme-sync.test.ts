import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { GENERATED_PARTS, renderPart, replaceBetween } from '../../scripts/readme-parts';

const root = path.resolve(__dirname, '..', '..');

describe('README and docs', () => {
  it('the CLI reference (docs/cli.md) and the settings table (docs/configuration.md) match the code (run `npm run sync:readme` after a change)', () => {
    for (const part of GENERATED_PARTS) {
      const text = readFileSync(path.join(root, part.file), 'utf8');
      assert.ok(text === replaceBetween(text, part.marker, renderPart(part.marker)), `${part.file} is out of date: run \`npm run sync:readme\``);
    }
  });

  it('every relative link and image of the README and docs/ points at a file that exists (vsce packages them as they are: --no-rewrite-relative-links)', () => {
    const files = ['README.md', ...GENERATED_PARTS.map((p) => p.file), 'docs/panel.md', 'docs/benchmarks.md', 'docs/evaluation.md'];
    const broken: string[] = [];
    for (const file of files) {
      const text = readFileSync(path.join(root, file), 'utf8');
      const targets = [...text.matchAll(/\]\((?!https?:|mailto:|#)([^)\s]+)\)/g), ...text.matchAll(/<img[^>]*\ssrc="(?!https?:)([^"]+)"/g)].map((m) => m[1]!);
      for (const target of targets) {
        const resolved = path.join(root, path.dirname(file), target.split('#')[0]!);
        if (!existsSync(resolved)) broken.push(`${file}: ${target}`);
      }
    }
    assert.deepEqual(broken, []);
  });
});
