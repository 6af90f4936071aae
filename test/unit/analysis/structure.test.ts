import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { analyzeWorkspace, buildStructureMap } from '../../../src/core/analysis';
import { openHistoryStore } from '../../../src/core/store/database';
import { tempDir } from '../../support/temp';

function write(root: string, rel: string, content: string | Buffer): void {
  mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  writeFileSync(path.join(root, rel), content);
}

function git(cwd: string, ...args: string[]): void {
  execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd, stdio: 'ignore' });
}

type SeenStructure = { byReason: Record<string, number>; items: [string, string][] };

function structureOf(profile: { structure: { skipped: { byReason: Record<string, number>; items: { path: string; reason: string }[] } } }): SeenStructure {
  return { byReason: profile.structure.skipped.byReason, items: profile.structure.skipped.items.map((i) => [i.path, i.reason]) };
}

/** analyzeWorkspace(dir) in a child process running as the user nobody (setpriv, util-linux), on this Node with tsx. */
function analyseAsNobody(dir: string): SeenStructure {
  chmodSync(dir, 0o755); // mkdtemp makes it 0700: nobody must be able to enter
  const project = path.resolve(__dirname, '..', '..', '..');
  const script = `import('./src/core/analysis').then((m) => m.analyzeWorkspace(${JSON.stringify(dir)})).then((p) => process.stdout.write(JSON.stringify({ byReason: p.structure.skipped.byReason, items: p.structure.skipped.items.map((i) => [i.path, i.reason]) })))`;
  const out = execFileSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, '--import', 'tsx', '-e', script], { cwd: project, encoding: 'utf8' });
  return JSON.parse(out) as SeenStructure;
}

describe('analysis: structure map', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => (dir = tempDir('analysis-structure-')));
  afterEach(() => {
    try {
      chmodSync(path.join(dir.path, 'secret.ts'), 0o644);
    } catch {
      /* not created by this test */
    }
    dir.cleanup();
  });

  it('analyses an empty folder without failing', async () => {
    const profile = await analyzeWorkspace(dir.path);
    assert.equal(profile.structure.files, 0);
    assert.equal(profile.primaryLanguage, null);
    assert.equal(profile.packageManager, null);
    assert.equal(profile.structure.source, 'walker');
  });

  it('refuses a folder that does not exist with a coded error', async () => {
    await assert.rejects(analyzeWorkspace(path.join(dir.path, 'nope')), { code: 'ANALYSIS_NO_FOLDER' });
  });

  it('lists binary, oversized and looping files as skipped with a reason, and keeps going', async () => {
    write(dir.path, 'src/app.ts', 'export const app = 1;\n');
    write(dir.path, 'src/blob.ts', Buffer.from([0x65, 0x78, 0x00, 0x01, 0x02]));
    write(dir.path, 'src/huge.ts', 'export const x = 1;\n'.repeat(80_000));
    write(dir.path, 'logo.png', Buffer.from([0x89, 0x50, 0x4e, 0x47]));
    mkdirSync(path.join(dir.path, 'loop'));
    symlinkSync('../loop', path.join(dir.path, 'loop', 'again'));
    symlinkSync('self-a', path.join(dir.path, 'self-b'));
    symlinkSync('self-b', path.join(dir.path, 'self-a'));
    const map = await buildStructureMap(dir.path);
    const reason = (p: string) => map.skipped.find((s) => s.path === p)?.reason;
    assert.equal(reason('src/blob.ts'), 'binary');
    assert.equal(reason('src/huge.ts'), 'too-large');
    assert.equal(reason('logo.png'), 'binary');
    assert.equal(reason('loop/again'), 'symlink-loop');
    assert.equal(reason('self-a'), 'symlink-loop');
    // the oversized file is listed, not read
    assert.ok(map.files.some((f) => f.path === 'src/huge.ts' && !f.facts));
    assert.deepEqual(map.files.find((f) => f.path === 'src/app.ts')?.facts?.exports, ['app']);
  });

  it('counts an unreadable file as skipped (permission denied), also where the tests run as root', async () => {
    write(dir.path, 'secret.ts', 'export const s = 1;\n');
    write(dir.path, 'src/app.ts', 'export const app = 1;\n');
    chmodSync(path.join(dir.path, 'secret.ts'), 0o000);
    // Root reads everything, and CI runs as root: there the analysis runs as the unprivileged user nobody.
    const seen = process.getuid?.() === 0 ? analyseAsNobody(dir.path) : structureOf(await analyzeWorkspace(dir.path));
    assert.deepEqual(seen.byReason, { 'permission-denied': 1 });
    assert.deepEqual(seen.items, [['secret.ts', 'permission-denied']]);
  });

  it('respects .gitignore in a git repository (index + untracked-not-ignored) and outside one', async () => {
    write(dir.path, '.gitignore', 'generated/\n*.log\n');
    write(dir.path, 'src/a.ts', 'export const a = 1;\n');
    write(dir.path, 'generated/x.ts', 'export const x = 1;\n');
    write(dir.path, 'debug.log', 'x\n');
    write(dir.path, 'pkg/.gitignore', 'local.ts\n');
    write(dir.path, 'pkg/local.ts', 'export const l = 1;\n');
    write(dir.path, 'pkg/kept.ts', 'export const k = 1;\n');
    const walked = await buildStructureMap(dir.path);
    assert.equal(walked.source, 'walker');
    assert.deepEqual(walked.files.map((f) => f.path).sort(), ['.gitignore', 'pkg/.gitignore', 'pkg/kept.ts', 'src/a.ts']);
    git(dir.path, 'init', '-q');
    git(dir.path, 'add', 'src/a.ts');
    git(dir.path, 'commit', '-qm', 'first');
    const fromGit = await buildStructureMap(dir.path);
    assert.equal(fromGit.source, 'git');
    assert.deepEqual(fromGit.files.map((f) => f.path).sort(), ['.gitignore', 'pkg/.gitignore', 'pkg/kept.ts', 'src/a.ts']);
  });

  it('classifies files and reads a shebang to find the language of an extensionless script', async () => {
    write(dir.path, 'bin/tool', '#!/usr/bin/env python3\nimport os\nprint(os.environ["TOKEN_NAME"])\n');
    write(dir.path, 'src/util.test.ts', 'import { u } from "./util";\n');
    write(dir.path, 'docs/guide.md', '# guide\n');
    write(dir.path, 'tsconfig.json', '{}\n');
    write(dir.path, 'include/x.h', 'namespace a { class B {}; }\n');
    const map = await buildStructureMap(dir.path);
    const byPath = Object.fromEntries(map.files.map((f) => [f.path, f]));
    assert.equal(byPath['bin/tool']?.language, 'python');
    assert.deepEqual(byPath['bin/tool']?.facts?.envVars, ['TOKEN_NAME']);
    assert.equal(byPath['src/util.test.ts']?.kind, 'test');
    assert.equal(byPath['docs/guide.md']?.kind, 'docs');
    assert.equal(byPath['tsconfig.json']?.kind, 'config');
    assert.equal(byPath['include/x.h']?.language, 'cpp');
  });

  it('re-reads only the changed file on a warm run with the SQLite cache, and forgets deleted files', async () => {
    for (let i = 0; i < 20; i++) write(dir.path, `src/m${i}.ts`, `export const m${i} = ${i};\n`);
    const store = openHistoryStore(path.join(dir.path, '..', path.basename(dir.path) + '.db'));
    try {
      const cold = await buildStructureMap(dir.path, { store });
      assert.equal(cold.readCount, 20);
      const warm = await buildStructureMap(dir.path, { store });
      assert.equal(warm.readCount, 0);
      assert.deepEqual(warm.files.find((f) => f.path === 'src/m3.ts')?.facts?.exports, ['m3']);
      write(dir.path, 'src/m3.ts', 'export const changed = 3;\n');
      const future = new Date(Date.now() + 5000);
      utimesSync(path.join(dir.path, 'src/m3.ts'), future, future);
      const third = await buildStructureMap(dir.path, { store });
      assert.equal(third.readCount, 1);
      assert.deepEqual(third.files.find((f) => f.path === 'src/m3.ts')?.facts?.exports, ['changed']);
      const rows = store.db.prepare('SELECT count(*) AS n FROM analysis_files WHERE root = ?').get(third.root) as { n: number };
      assert.equal(rows.n, 20);
    } finally {
      store.close();
    }
  });
});

describe('analysis: cancellation', () => {
  it('stops with the abort reason when the signal fires', async () => {
    const dir = tempDir('analysis-abort-');
    try {
      for (let i = 0; i < 2100; i++) write(dir.path, `src/f${i % 30}/m${i}.ts`, `export const m${i} = ${i};\n`);
      const controller = new AbortController();
      controller.abort();
      await assert.rejects(analyzeWorkspace(dir.path, { signal: controller.signal }), (error: Error) => error.name === 'AbortError' || /abort/i.test(error.message));
    } finally {
      dir.cleanup();
    }
  });
});
