import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { analyzeWorkspace } from '../../../src/core/analysis';
import { versionRange } from '../../../src/core/analysis/detect/context';
import { formatRelease, whereTo } from '../../../src/cli/release-runner';
import { checkTarget } from '../../../src/core/release/inspect';
import { Releaser } from '../../../src/core/release/releaser';
import { openHistoryStore } from '../../../src/core/store/database';
import { createApp } from '../../support/release-app';
import { wantedRuntime } from '../../../src/core/release/steps/preflight';
import { resolveTarget } from '../../../src/core/release/targets';
import { tempDir } from '../../support/temp';
import { useSshFixture } from './fixture';

const EXAMPLE = path.resolve(__dirname, '..', '..', '..', 'examples', 'workspace');

/** `deploy-agent release check`: a folder the first release will create and a runtime newer than the declared minimum are fine; what is not says why. */
describe('release check: the folder and the runtime (README’s local target)', function () {
  this.timeout(60_000);
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => (dir = tempDir('deploy-agent-check-')));
  afterEach(() => dir.cleanup());

  const local = (root: string) => resolveTarget('local', { type: 'local', path: root, start: 'node server.js' }, null);
  /** The major version of the `node` a shell on this machine runs (what the check asks). */
  const shellNodeMajor = () => Number(/v(\d+)/.exec(execFileSync('sh', ['-c', 'node --version'], { encoding: 'utf8' }))![1]);

  it('a folder that does not exist yet, under one the user can write: ready, the first release creates it; nothing is created by the check', async () => {
    const root = path.join(dir.path, 'home', '.deploy-agent', 'releases', 'app');
    const [check] = await checkTarget(local(root));
    assert.equal(check!.ok, true, JSON.stringify(check!.error));
    assert.ok(check!.notes.some((n) => n.includes(`${root} does not exist yet; the first release creates it`)), check!.notes.join('\n'));
    assert.ok(!existsSync(path.join(dir.path, 'home')), 'release check changes nothing');
  });

  it('the example’s engines ">=20" is a range: the runtime is checked against >=20, and a newer Node passes', async () => {
    const profile = await analyzeWorkspace(EXAMPLE);
    assert.deepEqual(profile.runtime, { name: 'node', version: '20', range: '>=20' });
    const target = resolveTarget('local', { type: 'local', path: path.join(dir.path, 'app') }, profile);
    assert.equal(wantedRuntime(target.runtime!), '>=20');

    const major = shellNodeMajor();
    target.runtime = { name: 'node', version: String(major - 2), range: `>=${major - 2}` };
    const [fine] = await checkTarget(target);
    assert.equal(fine!.ok, true, JSON.stringify(fine!.error));
    assert.ok(fine!.notes.some((n) => n.includes(`satisfies >=${major - 2}`)), fine!.notes.join('\n'));

    target.runtime = { name: 'node', version: String(major + 1), range: `>=${major + 1}` };
    const [old] = await checkTarget(target);
    assert.equal(old!.error?.code, 'RUNTIME_VERSION');
    assert.match(old!.error!.message, new RegExp(`runtime node ${major}\\.\\d+\\.\\d+ is older than what the project declares: >=${major + 1}\\.`));
    assert.match(old!.error!.hint ?? '', new RegExp(`satisfies >=${major + 1}`));
  });

  it('a bare version names that version line; a range as semver reads it; PEP 440 operators semver would misread are not taken', () => {
    assert.equal(versionRange('20'), null);
    assert.equal(versionRange('v20.11.1'), null);
    assert.equal(versionRange('>=20'), '>=20');
    assert.equal(versionRange('>=3.9, <3.13'), '>=3.9 <3.13');
    assert.equal(versionRange('~=3.10'), null);
    assert.equal(wantedRuntime({ name: 'node', version: '20', range: null }), '20');
    assert.equal(wantedRuntime({ name: 'python', version: '3.10', range: '!=3.5' }), '3.10', 'a range semver cannot read falls back to the version');
  });

  it('a release that failed before reaching a host still says where it went (not "? host(s)")', async () => {
    const store = openHistoryStore(path.join(dir.path, 'history.db'));
    try {
      const repo = path.join(dir.path, 'app');
      createApp(repo, '1.0.0');
      const target = local(path.join(dir.path, 'target'));
      target.runtime = { name: 'node', version: '999', range: '>=999' };
      const outcome = await new Releaser({ store }).release({ target, repoPath: repo, ref: 'HEAD', strategy: 'auto' }, new AbortController().signal);
      assert.equal(outcome.error?.code, 'RUNTIME_VERSION');
      assert.deepEqual(outcome.hosts ?? {}, {}, 'no host state: the failure came first');
      assert.match(formatRelease(outcome), /^ {2}target {4}local \(\w+\), this machine$/m);
      assert.equal(whereTo({ targetType: 'ssh', targetHosts: ['10.0.0.5'] }), '10.0.0.5');
      assert.equal(whereTo({ targetType: 'ssh', targetHosts: ['a', 'b', 'c', 'd'] }), '4 hosts (a, b, …)');
    } finally {
      store.close();
    }
  });

  describe('on an SSH host, as a user who may not write there', () => {
    const f = useSshFixture();

    it('a missing folder whose parent the user cannot write: says so (not a permission problem of the folder), with what to do', async () => {
      const locked = path.join(f.dir, 'locked');
      mkdirSync(locked, { recursive: true, mode: 0o755 }); // root's: the login user may enter, not write
      const [missing] = await checkTarget(f.target({ path: path.join(locked, 'app') }));
      assert.equal(missing!.error?.code, 'TARGET_NOT_WRITABLE');
      assert.match(missing!.error!.message, new RegExp(`${path.join(locked, 'app')} does not exist, and the login user cannot create it: ${locked} is not writable\\.`));
      assert.match(missing!.error!.hint ?? '', /sudo mkdir -p .*or set the target's path to a folder under one the user can write/);

      const [existing] = await checkTarget(f.target({ path: locked }));
      assert.equal(existing!.error?.code, 'TARGET_NOT_WRITABLE');
      assert.match(existing!.error!.message, new RegExp(`${locked} exists, but the login user cannot write to it\\.`));
    });
  });
});
