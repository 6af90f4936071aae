import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadWithCodeCache } from '../../../src/extension/services-loader';
import { tempDir } from '../../support/temp';

const root = path.resolve(__dirname, '..', '..', '..');
const child = path.join(root, 'test', 'support', 'load-bundle-child.ts');

interface Window {
  cache: string;
  written: string;
  exports: Record<string, unknown>;
  later?: unknown;
  logged: string[];
}

/** A bundle that reports how it was loaded: what Node's require gives a CommonJS file, and one figure to tell builds apart. */
function bundleSource(answer: number): string {
  return [
    `exports.answer = ${answer};`,
    'exports.filename = __filename;',
    'exports.dirname = __dirname;',
    'exports.moduleIsItsOwn = module.exports === exports && module.filename === __filename && module.id === __filename;',
    'exports.thisIsExports = this === exports;',
    "exports.sibling = require('./sibling.js').value;",
    "exports.builtin = typeof require('node:path').join;",
    // A function compiled lazily, after the load: the cache is made after it ran.
    "exports.later = () => import('node:os').then((os) => typeof os.loadavg);",
    '',
  ].join('\n');
}

/** One new window (a fresh Node process) loading `bundle` with the code cache in `cacheDir`. */
function openWindow(bundle: string, cacheDir: string, version = '1.0.0', nodeFlags: string[] = []): Window {
  const result = spawnSync(process.execPath, [...nodeFlags, '--import', 'tsx', child, bundle, cacheDir, version], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  assert.equal(result.status, 0, `the window failed: ${result.stderr}`);
  // Node 22 warns once that import() in a vm.Script is experimental (the real bundle has none: build.mjs turns them into requires).
  const otherOutput = result.stderr.split('\n').filter((line) => line && !/vm\.USE_MAIN_CONTEXT_DEFAULT_LOADER is an experimental feature|--trace-warnings/.test(line));
  assert.deepEqual(otherOutput, [], 'nothing else is printed');
  return JSON.parse(result.stdout) as Window;
}

const cacheFiles = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.v8cache'));

describe('the services bundle is loaded with a V8 code cache (src/extension/services-loader.ts)', function () {
  this.timeout(60_000);
  let dir: ReturnType<typeof tempDir>;
  let bundle: string;
  let cacheDir: string;

  beforeEach(() => {
    dir = tempDir();
    bundle = path.join(dir.path, 'dist', 'extension-services.js');
    cacheDir = path.join(dir.path, 'global-storage', 'code-cache');
    mkdirSync(path.dirname(bundle));
    writeFileSync(bundle, bundleSource(41));
    writeFileSync(path.join(path.dirname(bundle), 'sibling.js'), 'exports.value = "next to the bundle";\n');
  });
  afterEach(() => dir.cleanup());

  it('loads the bundle as require would, writes the cache after the load, and the next window uses it', () => {
    const first = openWindow(bundle, cacheDir);
    assert.equal(first.cache, 'absent');
    assert.equal(first.written, 'written');
    assert.deepEqual(first.exports, { answer: 41, filename: bundle, dirname: path.dirname(bundle), moduleIsItsOwn: true, thisIsExports: true, sibling: 'next to the bundle', builtin: 'function' });
    assert.equal(first.later, 'function', 'import() inside the bundle works');
    assert.deepEqual(first.logged, []);
    assert.equal(cacheFiles(cacheDir).length, 1);

    const second = openWindow(bundle, cacheDir);
    assert.equal(second.cache, 'used', 'V8 took the cache (cachedDataRejected === false)');
    assert.equal(second.written, 'not-needed');
    assert.deepEqual(second.exports, first.exports);
    assert.equal(second.later, 'function');
    assert.deepEqual(second.logged, []);
  });

  it('a rebuilt bundle of the same size runs its new code: the cache is keyed by the bundle (V8 itself checks only the length)', () => {
    openWindow(bundle, cacheDir);
    const old = cacheFiles(cacheDir);
    writeFileSync(bundle, bundleSource(42));
    const later = new Date(Date.now() + 60_000);
    utimesSync(bundle, later, later);

    const rebuilt = openWindow(bundle, cacheDir);
    assert.equal(rebuilt.exports.answer, 42);
    assert.equal(rebuilt.cache, 'absent');
    assert.equal(rebuilt.written, 'written');
    assert.equal(cacheFiles(cacheDir).length, 1, 'the cache of the earlier build is removed');
    assert.notDeepEqual(cacheFiles(cacheDir), old);
    assert.equal(openWindow(bundle, cacheDir).cache, 'used');
  });

  it('another version of the extension does not use the cache of this one', () => {
    openWindow(bundle, cacheDir, '1.0.0');
    assert.equal(openWindow(bundle, cacheDir, '1.0.1').cache, 'absent');
  });

  it('a damaged cache is refused (checksum), the bundle loads from source and the cache is rewritten', () => {
    openWindow(bundle, cacheDir);
    const [name] = cacheFiles(cacheDir) as [string];
    const file = path.join(cacheDir, name);
    const bytes = readFileSync(file);
    bytes[Math.floor(bytes.length / 2)]! ^= 0xff;
    writeFileSync(file, bytes);

    const damaged = openWindow(bundle, cacheDir);
    assert.equal(damaged.cache, 'rejected');
    assert.equal(damaged.exports.answer, 41);
    assert.equal(damaged.written, 'written');
    assert.equal(damaged.logged.length, 1);
    assert.match(damaged.logged[0]!, /damaged.*rewritten/);
    assert.equal(openWindow(bundle, cacheDir).cache, 'used');

    writeFileSync(file, 'not a cache');
    const garbage = openWindow(bundle, cacheDir);
    assert.equal(garbage.cache, 'rejected');
    assert.equal(garbage.exports.answer, 41);
  });

  it('a cache V8 rejects (made with other V8 flags) is rewritten', () => {
    openWindow(bundle, cacheDir);
    const otherFlags = openWindow(bundle, cacheDir, '1.0.0', ['--no-opt']);
    assert.equal(otherFlags.cache, 'rejected');
    assert.match(otherFlags.logged.join('\n'), /V8 rejected/);
    assert.equal(otherFlags.exports.answer, 41);
    assert.equal(otherFlags.written, 'written');
    assert.equal(openWindow(bundle, cacheDir, '1.0.0', ['--no-opt']).cache, 'used');
  });

  it('a cache folder that cannot be made still loads the bundle, and says so in one debug line', () => {
    const blocked = path.join(dir.path, 'a-file');
    writeFileSync(blocked, '');
    const window = openWindow(bundle, path.join(blocked, 'code-cache'));
    assert.equal(window.exports.answer, 41);
    assert.equal(window.cache, 'absent');
    assert.equal(window.written, 'failed');
    assert.equal(window.logged.length, 1);
    assert.match(window.logged[0]!, /could not write .*code-cache/);
  });

  it('a cache that cannot be read (a folder in its place) still loads the bundle; reading and writing say so in a debug line each', () => {
    const elsewhere = path.join(dir.path, 'elsewhere');
    openWindow(bundle, elsewhere);
    const [name] = cacheFiles(elsewhere) as [string];
    mkdirSync(path.join(cacheDir, name), { recursive: true });

    const window = openWindow(bundle, cacheDir);
    assert.equal(window.exports.answer, 41);
    assert.equal(window.cache, 'unreadable');
    assert.equal(window.written, 'failed');
    assert.equal(window.logged.length, 2);
    assert.match(window.logged[0]!, /could not read .*EISDIR/);
    assert.match(window.logged[1]!, /could not write/);
  });

  it('without a cache folder it is a plain require; a bundle that throws leaves no half-loaded module behind', async () => {
    const plain = loadWithCodeCache<{ answer: number; filename: string }>(bundle, { cacheDir: undefined, version: '1', log: () => assert.fail('nothing to say') });
    assert.equal(plain.cache, 'off');
    assert.equal(plain.exports.answer, 41);
    assert.equal(plain.exports.filename, bundle);

    const failing = path.join(path.dirname(bundle), 'failing.js');
    writeFileSync(failing, "exports.partly = true;\nthrow new Error('the bundle failed at load');\n");
    const options = { cacheDir, version: '1', log: () => undefined, writeDelayMs: 0 };
    assert.throws(() => loadWithCodeCache(failing, options), /the bundle failed at load/);
    writeFileSync(failing, 'exports.partly = false;\n');
    const again = loadWithCodeCache(failing, options);
    assert.deepEqual(again.exports, { partly: false }, 'loaded again, not the half-loaded module');
    assert.equal(await again.written, 'written');
  });
});
