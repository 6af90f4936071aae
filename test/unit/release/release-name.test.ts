import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { releaseName } from '../../../src/core/release/releaser';
import { parseReleases } from '../../../src/core/release/recovery';
import { listReleases } from '../../../src/core/release/scripts';
import { tempDir } from '../../support/temp';

describe('release folder names sort by time, also within one second', () => {
  let temp: ReturnType<typeof tempDir>;
  beforeEach(() => (temp = tempDir('deploy-agent-release-names-')));
  afterEach(() => temp.cleanup());

  it('a second release 300 ms after the first sorts after it whatever the ids, on the target as in the code', () => {
    const at = Date.UTC(2026, 11, 3, 15, 11, 51, 200);
    // The later release gets the smaller id: ordered by id, it would come first.
    const first = releaseName(at, 'f0e1d2c3');
    const second = releaseName(at + 300, '0a1b2c3d');
    assert.deepEqual([second, first].sort(), [first, second]);
    // What a rollback reads: the target's listing, sorted by the target's own `sort`.
    for (const r of [second, first]) mkdirSync(path.join(temp.path, 'releases', r), { recursive: true });
    symlinkSync(path.join('releases', second), path.join(temp.path, 'current'));
    const listing = parseReleases(execFileSync('sh', ['-c', listReleases(temp.path)], { encoding: 'utf8', env: { ...process.env, LC_ALL: 'en_US.UTF-8' } }));
    assert.deepEqual(listing, { current: second, releases: [first, second] });
    assert.equal(listing.releases[listing.releases.indexOf(listing.current!) - 1], first, 'the rollback goes to the first');
  });

  it('names stay in the documented shape: date, time to the millisecond, Z, the release id', () => {
    assert.equal(releaseName(Date.UTC(2025, 0, 2, 3, 4, 5, 678), '3f2a1b4c'), '20250102T030405678Z-3f2a1b4c');
  });
});
