import assert from 'node:assert/strict';
import path from 'node:path';
import { analyzeIntegration, analyzeWorkspace } from '../../../src/core/analysis';
import { titleLengthProblem } from '../../../src/core/recommendation/title';
import { slugOf } from '../../../src/core/recommendation/workspace';
import { slugOf as branchSlugOf } from '../../../src/core/sandbox/worktree';

// Finding 19: a 150-character title was accepted by the form, its file name was cut mid-word
// (…-how-the-p.json) and the suggested new file read src/very-long-title-goe.js (a stem, not a word).
const LONG = 'Add a very long title that goes on and on to check how the panel deals with it when a recommendation has a title this long, really much longer than usual ones';

describe('a long recommendation title', () => {
  it('the form refuses more than 72 characters, and says what to do', () => {
    assert.match(titleLengthProblem(LONG) ?? '', /^158 characters: keep it to 72 at most .* description\.$/);
    assert.equal(titleLengthProblem('Add a /health endpoint'), undefined);
    assert.equal(titleLengthProblem('x'.repeat(72)), undefined);
  });

  it('file names and branch names are cut at a word, never mid-word', () => {
    const file = slugOf(LONG);
    assert.ok(file.length <= 60, file);
    assert.ok(LONG.toLowerCase().replace(/[^a-z0-9]+/g, '-').startsWith(`${file}-`), `${file} ends mid-word`);
    const branch = branchSlugOf(LONG);
    assert.ok(branch.length <= 40, branch);
    assert.ok(LONG.toLowerCase().replace(/[^a-z0-9]+/g, '-').startsWith(`${branch}-`), `${branch} ends mid-word`);
    assert.equal(slugOf('a'.repeat(80)).length, 60, 'one word longer than the room is cut: there is no boundary');
  });

  it('a suggested new file is named with whole words', async () => {
    const profile = await analyzeWorkspace(path.resolve(__dirname, '../../../examples/workspace'));
    const report = await analyzeIntegration(profile.root, profile, { title: LONG, description: 'Add GET /health returning {"ok": true}.' });
    assert.equal(path.basename(report.suggestedLocations.code), 'very-long-title-goes.js');
  });
});
