import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
// @ts-expect-error the packaging script is plain ESM JavaScript without type declarations
import { inspectVsix, packageExtension, TARGET_BINDINGS, TARGET_VSIX_LIMIT_BYTES } from '../../../scripts/package.mjs';
// @ts-expect-error plain ESM JavaScript
import { listZipEntries, readZipEntry } from '../../../scripts/zip-entries.mjs';
import { tempDir } from '../../support/temp';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const PREBUILDS = path.join(ROOT, 'dist', 'node_modules', 'better-sqlite3', 'prebuilds');

/** `npm run package -- --target T`: one VS Code platform's VSIX, with only that platform's SQLite binding (built dist/, real vsce). */
describe('platform VSIX (scripts/package.mjs --target)', function () {
  this.timeout(180_000);
  let dir: ReturnType<typeof tempDir>;
  before(function () {
    if (!existsSync(PREBUILDS)) throw new Error('dist/ is missing: run `npm run build` first');
  });
  beforeEach(() => (dir = tempDir()));
  afterEach(() => dir.cleanup());

  it('linux-arm64: only its binding, the target platform in the manifest, under 4 MB; dist keeps every binding for the next package', () => {
    const before = readdirSync(PREBUILDS).sort();
    const result = packageExtension({ target: 'linux-arm64', build: false, outDir: dir.path, quiet: true, log: () => undefined });
    assert.equal(path.basename(result.file), `deploy-agent-${JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version}-linux-arm64.vsix`);
    const zip = readFileSync(result.file);
    const nodes = (listZipEntries(zip) as { name: string }[]).map((e) => e.name).filter((n) => n.endsWith('.node'));
    assert.deepEqual(nodes, ['extension/dist/node_modules/better-sqlite3/prebuilds/linux-arm64.node']);
    assert.match(readZipEntry(zip, 'extension.vsixmanifest').toString('utf8'), /TargetPlatform="linux-arm64"/);
    assert.ok(result.size < TARGET_VSIX_LIMIT_BYTES, `${result.size} bytes`);
    assert.deepEqual(readdirSync(PREBUILDS).sort(), before, 'the other bindings are back in dist/');
    assert.ok(!existsSync(path.join(ROOT, 'dist', '.prebuilds-aside')));
    assert.equal(Object.keys(TARGET_BINDINGS).length, 8);
  });

  it('refuses linux-armhf (no binding exists) and an unknown target, and a VSIX that does not match its target', () => {
    assert.throws(() => packageExtension({ target: 'linux-armhf', build: false, outDir: dir.path }), /linux-armhf cannot be packaged: better-sqlite3 13 ships no prebuilt binding/);
    assert.throws(() => packageExtension({ target: 'solaris-sparc', build: false, outDir: dir.path }), /unknown target solaris-sparc/);
    const arm = packageExtension({ target: 'darwin-arm64', build: false, outDir: dir.path, quiet: true, log: () => undefined });
    assert.throws(() => inspectVsix(arm.file, 'darwin-x64'), /missing: .*darwin-x64\.node/);
    assert.throws(() => inspectVsix(arm.file, undefined), /missing/, 'a platform VSIX is not the universal one');
  });
});
