import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { renderCliReference, renderSettingsTable, replaceBetween } from '../../scripts/readme-parts';

describe('README generated parts', () => {
  it('the CLI reference and the settings table match the code (run `npm run sync:readme` after a change)', () => {
    const readme = readFileSync(path.resolve(__dirname, '..', '..', 'README.md'), 'utf8');
    const expected = replaceBetween(replaceBetween(readme, 'cli-reference', renderCliReference()), 'settings-table', renderSettingsTable());
    assert.ok(readme === expected, 'README.md is out of date: run `npm run sync:readme`');
  });

  it('has no relative links (vsce refuses to package a README with them while the project has no repository URL)', () => {
    const readme = readFileSync(path.resolve(__dirname, '..', '..', 'README.md'), 'utf8');
    const relative = [...readme.matchAll(/\]\((?!https?:|mailto:|#)([^)]+)\)/g)].map((m) => m[1]);
    assert.deepEqual(relative, []);
  });
});
