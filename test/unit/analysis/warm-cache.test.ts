import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, realpathSync, renameSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { AnalysisCache, analyzeIntegration, analyzeWorkspace, buildStructureMap } from '../../../src/core/analysis';
import { profileCacheStats } from '../../../src/core/analysis/profile-cache';
import { structureOf } from '../../../src/core/analysis/profile';
import type { ProjectProfile } from '../../../src/core/analysis/types';
import { openHistoryStore, type HistoryStore } from '../../../src/core/store/database';
import { tempDir } from '../../support/temp';

// A warm run (cache filled) must give exactly what a run without cache gives, whatever changed.

function write(root: string, rel: string, content: string): void {
  mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  writeFileSync(path.join(root, rel), content);
}

function git(cwd: string, ...args: string[]): void {
  execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', '-c', 'gc.auto=0', ...args], { cwd, stdio: 'ignore' });
}

/** A small monorepo: a TS package with express, a FastAPI service, a Dockerfile, .env.example, docs. */
function createRepo(root: string): void {
  write(root, 'package.json', JSON.stringify({ name: 'shop', private: true, workspaces: ['packages/*'], scripts: { build: 'tsc -b', test: 'vitest run' }, devDependencies: { typescript: '^5.4.5', vitest: '^1.6.0' } }, null, 2));
  write(root, '.gitignore', 'dist/\n*.log\n');
  write(root, '.env.example', 'DATABASE_URL=\n');
  write(root, 'Dockerfile', 'FROM node:20\nEXPOSE 8080\n');
  write(root, 'docs/guide.md', '# Guide\n');
  write(root, 'packages/api/package.json', JSON.stringify({ name: '@shop/api', version: '1.0.0', dependencies: { express: '^4.19.2' }, scripts: { start: 'node dist/server.js' } }, null, 2));
  write(root, 'packages/api/src/server.ts', "import express from 'express';\nimport { total } from './orders';\n\nconst app = express();\napp.get('/', (_req, res) => res.json(total([])));\napp.listen(3000);\n");
  write(root, 'packages/api/src/orders.ts', '/** Order totals. */\nexport function total(items: number[]): number {\n  return items.reduce((a, b) => a + b, 0) * Number(process.env.TAX_RATE ?? 1);\n}\n');
  write(root, 'packages/api/src/orders.test.ts', "import { total } from './orders';\nimport { test, expect } from 'vitest';\ntest('total', () => expect(total([])).toBe(0));\n");
  write(root, 'services/py/pyproject.toml', '[project]\nname = "py"\nversion = "0.1.0"\ndependencies = ["fastapi>=0.110"]\n');
  write(root, 'services/py/app/main.py', 'from fastapi import FastAPI\n\napp = FastAPI()\n');
  git(root, 'init', '-q');
  git(root, 'add', '-A');
  git(root, 'commit', '-qm', 'first');
}

const nextSecond = () => new Promise((resolve) => setTimeout(resolve, 1020 - (Date.now() % 1000)));

/** The profile without what differs between any two runs (duration, how many files were read). */
function comparable(profile: ProjectProfile): unknown {
  const copy = JSON.parse(JSON.stringify(profile)) as ProjectProfile;
  for (const p of [copy, ...copy.projects]) {
    p.durationMs = 0;
    p.structure.readCount = 0;
  }
  return copy;
}

describe('analysis: warm runs give what a cold run gives', () => {
  let dir: ReturnType<typeof tempDir>;
  let root: string;
  let store: HistoryStore;
  const stats = { reused: 0, computed: 0 };
  beforeEach(async () => {
    dir = tempDir('analysis-warm-');
    root = realpathSync(dir.path);
    createRepo(root);
    store = openHistoryStore(path.join(root, '.git', 'history.db'));
    await analyzeWorkspace(root, { store }); // fills the cache
  });
  afterEach(() => {
    store.close();
    dir.cleanup();
  });

  /** Runs warm and cold, checks they agree (profile and structure map), returns the warm profile and whether the stored profile was reused. */
  async function warmEqualsCold(at = root): Promise<{ profile: ProjectProfile; read: number; reused: boolean }> {
    Object.assign(stats, profileCacheStats);
    const warm = await analyzeWorkspace(at, { store });
    const reused = profileCacheStats.reused > stats.reused;
    assert.equal(reused || profileCacheStats.computed > stats.computed, true, 'the profile was either reused or computed');
    const cold = await analyzeWorkspace(at);
    assert.deepStrictEqual(comparable(warm), comparable(cold));
    const files = structureOf(warm)!.files;
    assert.deepStrictEqual(files, (await buildStructureMap(at)).files, 'files, sizes, mtimes and facts as a cold scan sees them');
    // And independently of how the analysis lists and stats: what git lists, as a stat sees it.
    const listed = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: at, encoding: 'utf8' }).split('\0').filter(Boolean);
    const present = [...new Set(listed)].filter((p) => statSync(path.join(at, p), { throwIfNoEntry: false })?.isFile()).sort();
    assert.deepStrictEqual(files.map((f) => f.path), present);
    for (const f of files) {
      const st = statSync(path.join(at, f.path));
      assert.deepStrictEqual([f.path, f.size, f.mtimeMs], [f.path, st.size, st.mtimeMs]);
    }
    return { profile: warm, read: warm.structure.readCount, reused };
  }

  it('reads nothing and reuses the stored profile when nothing changed', async () => {
    const { read, reused, profile } = await warmEqualsCold();
    assert.equal(read, 0);
    assert.equal(reused, true);
    assert.equal(profile.structure.source, 'git');
  });

  it('re-reads a file changed in the worktree (not staged), and reuses the profile when the change does not feed it', async () => {
    write(root, 'packages/api/src/orders.ts', readFileSync(path.join(root, 'packages/api/src/orders.ts'), 'utf8').replace('a + b', 'b + a') + '// reordered\n');
    const { read, reused } = await warmEqualsCold();
    assert.equal(read, 1);
    assert.equal(reused, true);
  });

  it('recomputes the profile when a changed file brings a new environment variable, staged or not', async () => {
    write(root, 'packages/api/src/orders.ts', 'export const rate = Number(process.env.VAT_RATE ?? 1);\n');
    let run = await warmEqualsCold();
    assert.equal(run.read, 1);
    assert.equal(run.reused, false);
    assert.ok(run.profile.envVars.includes('VAT_RATE'));
    git(root, 'add', 'packages/api/src/orders.ts');
    write(root, 'packages/api/src/orders.ts', 'export const rate = Number(process.env.GST_RATE ?? 1);\n');
    git(root, 'add', 'packages/api/src/orders.ts');
    run = await warmEqualsCold();
    assert.ok(run.profile.envVars.includes('GST_RATE') && !run.profile.envVars.includes('VAT_RATE'));
  });

  it('recomputes the profile when a manifest changes', async () => {
    const manifest = path.join(root, 'packages/api/package.json');
    write(root, 'packages/api/package.json', JSON.stringify({ ...JSON.parse(readFileSync(manifest, 'utf8')), dependencies: { express: '^4.19.2', pg: '^8.11.0' } }, null, 2));
    const { profile, reused } = await warmEqualsCold();
    assert.equal(reused, false);
    const api = profile.projects.find((p) => p.path === 'packages/api')!;
    assert.ok(api.dependencies.some((d) => d.name === 'pg'));
    assert.deepEqual(api.dataInventory.databases, ['postgresql']);
  });

  it('sees a manifest edit that keeps size and mtime (worktree, then committed)', async () => {
    const manifest = path.join(root, 'packages/api/package.json');
    const before = statSync(manifest);
    // The stored profile notices by the ctime; git compares ctimes to the second, so the commit
    // below needs the edit to come a second after the last write to see it.
    await nextSecond();
    writeFileSync(manifest, readFileSync(manifest, 'utf8').replace('^4.19.2', '^4.19.3'));
    utimesSync(manifest, before.atime, before.mtime);
    assert.equal(statSync(manifest).size, before.size);
    let run = await warmEqualsCold();
    assert.equal(run.reused, false);
    assert.equal(run.profile.projects.find((p) => p.path === 'packages/api')!.dependencies.find((d) => d.name === 'express')!.version, '^4.19.3');
    git(root, 'commit', '-qam', 'express 4.19.3');
    await nextSecond();
    writeFileSync(manifest, readFileSync(manifest, 'utf8').replace('^4.19.3', '^4.19.4'));
    utimesSync(manifest, before.atime, before.mtime);
    git(root, 'commit', '-qam', 'express 4.19.4');
    run = await warmEqualsCold();
    assert.equal(run.profile.projects.find((p) => p.path === 'packages/api')!.dependencies.find((d) => d.name === 'express')!.version, '^4.19.4');
  });

  it('updates the structure when files are added, deleted and renamed', async () => {
    write(root, 'packages/api/src/refunds.ts', 'export function refund(): number {\n  return 0;\n}\n');
    rmSync(path.join(root, 'docs/guide.md'));
    git(root, 'mv', 'packages/api/src/orders.test.ts', 'packages/api/src/totals.test.ts');
    renameSync(path.join(root, 'services/py/app/main.py'), path.join(root, 'services/py/app/server.py'));
    const { profile, reused } = await warmEqualsCold();
    assert.equal(reused, false);
    const files = structureOf(profile)!.files.map((f) => f.path);
    assert.ok(files.includes('packages/api/src/refunds.ts'));
    assert.ok(files.includes('packages/api/src/totals.test.ts') && !files.includes('packages/api/src/orders.test.ts'));
    assert.ok(files.includes('services/py/app/server.py') && !files.includes('services/py/app/main.py'));
    assert.ok(!files.includes('docs/guide.md'));
    assert.equal(profile.structure.docsFiles, 0);
  });

  it('touching a file without changing it re-reads it once and keeps the profile', async () => {
    const future = new Date(Date.now() + 60_000);
    utimesSync(path.join(root, 'packages/api/src/server.ts'), future, future);
    const first = await warmEqualsCold();
    assert.equal(first.read, 1);
    assert.equal(first.reused, true);
    const second = await warmEqualsCold();
    assert.equal(second.read, 0);
  });

  it('sees untracked files that are not ignored, and not the ignored ones', async () => {
    write(root, 'packages/api/src/extra.ts', 'export const extra = process.env.EXTRA_FLAG;\n');
    write(root, 'packages/api/dist/server.js', 'console.log(1);\n');
    write(root, 'debug.log', 'x\n');
    const { profile } = await warmEqualsCold();
    const files = structureOf(profile)!.files.map((f) => f.path);
    assert.ok(files.includes('packages/api/src/extra.ts'));
    assert.ok(!files.includes('packages/api/dist/server.js') && !files.includes('debug.log'));
    assert.ok(profile.envVars.includes('EXTRA_FLAG'));
  });

  it('does not trust the index for assume-unchanged, skip-worktree and symlinked files', async () => {
    git(root, 'update-index', '--assume-unchanged', 'packages/api/src/orders.ts');
    write(root, 'packages/api/src/orders.ts', 'export const rate = process.env.HIDDEN_RATE;\n');
    git(root, 'update-index', '--skip-worktree', 'docs/guide.md');
    rmSync(path.join(root, 'docs/guide.md'));
    symlinkSync('orders.ts', path.join(root, 'packages/api/src/alias.ts'));
    git(root, 'add', 'packages/api/src/alias.ts');
    const { profile } = await warmEqualsCold();
    assert.ok(profile.envVars.includes('HIDDEN_RATE'));
    assert.ok(!structureOf(profile)!.files.some((f) => f.path === 'docs/guide.md'));
  });

  it('analyses a sub-folder of a repository (paths relative to it)', async () => {
    const api = path.join(root, 'packages/api');
    await analyzeWorkspace(api, { store });
    write(root, 'packages/api/src/orders.ts', 'export const rate = process.env.SUB_RATE;\n');
    const { profile, read } = await warmEqualsCold(api);
    assert.equal(read, 1);
    assert.ok(profile.envVars.includes('SUB_RATE'));
    assert.ok(structureOf(profile)!.files.every((f) => !f.path.startsWith('packages/')));
  });

  it('re-reads the files the editor reported changed (invalidate), even with size and mtime unchanged', async () => {
    const file = path.join(root, 'packages/api/src/orders.ts');
    const before = statSync(file);
    writeFileSync(file, readFileSync(file, 'utf8').replace('TAX_RATE', 'VAT_RATE'));
    utimesSync(file, before.atime, before.mtime);
    new AnalysisCache(store.db).invalidate(root, ['packages/api']);
    const { profile, read } = await warmEqualsCold();
    assert.equal(read, 4, 'everything under packages/api');
    assert.ok(profile.envVars.includes('VAT_RATE'));
  });

  it('gives the integration analysis the same facts after a reused profile (loaded from the cache when asked for)', async () => {
    write(root, 'packages/api/src/orders.ts', readFileSync(path.join(root, 'packages/api/src/orders.ts'), 'utf8') + '// a comment\n');
    const recommendation = { title: 'Order totals with tax', description: 'Compute order totals including the tax rate.', integrationPoints: { dependencies: ['zod'] } };
    const { profile, reused } = await warmEqualsCold();
    assert.equal(reused, true);
    const warm = await analyzeIntegration(root, profile, recommendation);
    const cold = await analyzeIntegration(root, await analyzeWorkspace(root), recommendation);
    assert.deepStrictEqual(warm, cold);
    assert.equal(warm.rankedFiles[0]?.path, 'packages/api/src/orders.ts');
  });

  it('applies a changed size limit to cached files', async () => {
    const small = { maxFileBytes: 100 };
    const warm = await analyzeWorkspace(root, { store, ...small });
    const cold = await analyzeWorkspace(root, small);
    assert.deepStrictEqual(comparable(warm), comparable(cold));
    assert.ok(warm.structure.skipped.items.some((s) => s.reason === 'too-large'));
    await warmEqualsCold();
  });
});
