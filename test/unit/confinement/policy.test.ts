import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { chooseConfinement, sandboxConfinement, widen } from '../../../src/core/confinement';
import { bubblewrapArgs, sandboxProfile } from '../../../src/core/confinement/wrap';
import { isDeployAgentError } from '../../../src/core/errors';
import { tempDir } from '../../support/temp';

describe('confinement rules (what a confined run may write, read and reach)', () => {
  let temp: ReturnType<typeof tempDir>;
  let home: string;
  let env: NodeJS.ProcessEnv;
  beforeEach(() => {
    temp = tempDir('deploy-agent-confinement-');
    home = path.join(temp.path, 'home');
    for (const dir of ['.npm', '.cargo', '.cache/go-build', 'go/pkg/mod', '.ssh', 'sandbox', 'repo']) mkdirSync(path.join(home, dir), { recursive: true });
    execFileSync('git', ['init', '-q', path.join(home, 'repo')]);
    writeFileSync(path.join(home, '.npmrc'), '//registry.example/:_authToken=secret\n');
    env = { HOME: home, XDG_CACHE_HOME: path.join(home, '.cache'), XDG_DATA_HOME: path.join(home, '.local', 'share'), XDG_CONFIG_HOME: path.join(home, '.config'), PATH: process.env.PATH };
  });
  afterEach(() => temp.cleanup());

  const rules = (network: boolean) => sandboxConfinement({ kind: 'bubblewrap', tool: '/usr/bin/bwrap', sandboxDir: path.join(home, 'sandbox'), repoRoot: path.join(home, 'repo'), network, env });

  it('without the network the package caches are only read; with it (an install) they are written; Go\'s build cache is never the user\'s', () => {
    const off = rules(false);
    assert.ok(off.writable.includes(path.join(home, 'sandbox')));
    for (const cache of ['.npm', '.cargo/registry', 'go/pkg/mod', '.cache/go-build']) assert.ok(!off.writable.includes(path.join(home, cache)), `${cache} is read-only without the network`);
    assert.notEqual(off.env.GOCACHE, path.join(home, '.cache', 'go-build'));
    const on = widen(off, { network: true }, env);
    for (const cache of ['.npm', '.cargo/registry', 'go/pkg/mod']) assert.ok(on.writable.includes(path.join(home, cache)), `${cache} is writable for a download`);
    assert.ok(!on.writable.includes(path.join(home, '.cache', 'go-build')));
    assert.equal(on.env.GOCACHE, off.env.GOCACHE);
  });

  it('the repository stays read-only over anything writable, and credential stores are covered last', () => {
    const c = rules(false);
    assert.ok(c.readOnly.includes(path.join(home, 'repo')));
    assert.ok(c.readOnly.includes(path.join(home, 'repo', '.git')));
    // The stores of this home; the running user's own Deploy Agent data folder is covered too when it exists
    // (a machine that ran a deployment before has one), so only the ones under the test's home are compared.
    assert.deepEqual([...c.hidden].filter((p) => p.startsWith(home + path.sep)).sort(), [path.join(home, '.npmrc'), path.join(home, '.ssh')]);
    const args = bubblewrapArgs(c, path.join(home, 'sandbox'));
    const last = (flag: string, value: string) => args.findLastIndex((a, i) => a === value && args[i - 1] === flag);
    assert.ok(last('--bind-try', path.join(home, 'sandbox')) < last('--ro-bind-try', path.join(home, 'repo')), 'read-only binds come after the writable ones');
    assert.ok(last('--ro-bind-try', path.join(home, 'repo')) < args.indexOf(path.join(home, '.ssh')), 'credential stores after both');
    assert.deepEqual(args.slice(args.indexOf(path.join(home, '.npmrc')) - 2, args.indexOf(path.join(home, '.npmrc')) + 1), ['--ro-bind', '/dev/null', path.join(home, '.npmrc')]);
    assert.ok(args.includes('--unshare-net') && args.includes('--die-with-parent') && args.includes('--unshare-pid'));
    assert.ok(!args.includes('--new-session'), 'the run keeps the process group the runner made');
    assert.ok(!bubblewrapArgs(widen(c, { network: true }, env), home).includes('--unshare-net'));
  });

  it('macOS: the Seatbelt profile denies writes but to the writable folders, then the repository and the credential stores (later rules win), and the network but loopback', () => {
    const profile = sandboxProfile({ ...rules(false), kind: 'sandbox-exec' }, path.join(temp.path, 'tmp'));
    const at = (text: string) => profile.indexOf(text);
    assert.ok(at('(deny file-write*)') < at(`(subpath ${JSON.stringify(path.join(home, 'sandbox'))})`));
    assert.ok(at('(allow file-write*') < at(`(deny file-write* (subpath ${JSON.stringify(path.join(home, 'repo'))})`));
    assert.ok(at('(deny file-read* file-write*') > at('(allow file-write*'));
    assert.match(profile, /\(deny network\*\)\n\(allow network\* \(local ip "localhost:\*"\)/);
  });

  it('no tool: refused with what to do, unless allowed; then the description says UNCONFINED', () => {
    const none = { kind: 'none' as const, problem: 'bubblewrap (bwrap) is not installed or not on PATH', hint: 'Install bubblewrap.' };
    assert.throws(
      () => chooseConfinement(none, { allowUnconfined: false, network: false }),
      (error: unknown) => isDeployAgentError(error) && error.code === 'CONFINEMENT_UNAVAILABLE' && /not installed/.test(error.message) && /allowUnconfinedTests/.test(error.hint),
    );
    const allowed = chooseConfinement(none, { allowUnconfined: true, network: false });
    assert.equal(allowed.kind, 'unconfined');
    assert.match(allowed.description, /^UNCONFINED .*not installed/);
    const tool = chooseConfinement({ kind: 'bubblewrap', command: '/usr/bin/bwrap', version: '0.8.0' }, { allowUnconfined: false, network: true });
    assert.match(tool.description, /^bubblewrap 0\.8\.0: .*network on$/);
  });
});
