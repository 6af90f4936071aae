import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { analyzeIntegration, analyzeWorkspace, buildImportGraph, buildRepoMap, buildStructureMap } from '../../../src/core/analysis';
import { estimateTokens } from '../../../src/core/analysis/repo-map';
import { tempDir } from '../../support/temp';
import { STACKS_DIR } from './expectations';

function write(root: string, rel: string, content: string): void {
  mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  writeFileSync(path.join(root, rel), content);
}

describe('analysis: import graph and integration points', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => (dir = tempDir('analysis-graph-')));
  afterEach(() => dir.cleanup());

  it('resolves every TS/JS import form, re-exports, require and tsconfig path aliases; comments are not imports', async () => {
    write(dir.path, 'tsconfig.json', '{ // comment\n "compilerOptions": { "baseUrl": ".", "paths": { "@lib/*": ["src/lib/*"] } } }');
    write(dir.path, 'src/lib/a.ts', 'export const a = 1;');
    write(dir.path, 'src/lib/b.ts', 'export default function b() {}');
    write(dir.path, 'src/lib/c.js', 'module.exports = { c: 1 };');
    write(dir.path, 'src/lib/d.ts', 'export type D = string;');
    write(dir.path, 'src/lib/e.ts', 'export const e = 1;');
    write(dir.path, 'src/lib/index.ts', "export * from './a';\nexport { default as b } from './b';");
    write(dir.path, 'src/lib/f.tsx', 'export const F = () => null;');
    write(
      dir.path,
      'src/main.ts',
      [
        "import { a } from '@lib/a';",
        "import b, { type X } from './lib/b.js';",
        "import type { D } from './lib/d';",
        "import './lib/e';",
        "const c = require('./lib/c');",
        "const lazy = () => import('./lib/f');",
        "import * as lib from './lib';",
        "import express from 'express';",
        "import { readFile } from 'node:fs';",
        "// import { ghost } from './lib/ghost';",
        "const s = 'import x from \"./nope\"';",
      ].join('\n'),
    );
    const graph = buildImportGraph(await buildStructureMap(dir.path));
    const from = (f: string) => graph.edges.filter((e) => e.from === f).map((e) => `${e.external ? 'ext:' : ''}${e.to}`).sort();
    assert.deepEqual(from('src/main.ts'), ['ext:express', 'ext:fs', 'src/lib/a.ts', 'src/lib/b.ts', 'src/lib/c.js', 'src/lib/d.ts', 'src/lib/e.ts', 'src/lib/f.tsx', 'src/lib/index.ts']);
    assert.deepEqual(from('src/lib/index.ts'), ['src/lib/a.ts', 'src/lib/b.ts']);
    assert.equal(graph.inDegree['src/lib/a.ts'], 2);
  });

  it('resolves Python absolute and relative imports', async () => {
    write(dir.path, 'pyproject.toml', '[project]\nname = "p"\n');
    write(dir.path, 'src/shop/__init__.py', '');
    write(dir.path, 'src/shop/models.py', 'class Order:\n    pass\n');
    write(dir.path, 'src/shop/services/__init__.py', '');
    write(dir.path, 'src/shop/services/billing.py', 'from ..models import Order\nfrom . import tax\nimport requests\n');
    write(dir.path, 'src/shop/services/tax.py', 'RATE = 1\n');
    write(dir.path, 'tests/test_billing.py', 'from shop.services.billing import Order\nimport shop.models\n');
    const graph = buildImportGraph(await buildStructureMap(dir.path));
    const from = (f: string) => graph.edges.filter((e) => e.from === f).map((e) => `${e.external ? 'ext:' : ''}${e.to}`).sort();
    assert.deepEqual(from('src/shop/services/billing.py'), ['ext:requests', 'src/shop/models.py', 'src/shop/services/tax.py']);
    assert.deepEqual(from('tests/test_billing.py'), ['src/shop/models.py', 'src/shop/services/billing.py']);
  });

  it('ranks the files a recommendation is about, suggests where code and tests go, and finds what to reuse and what is missing', async () => {
    const profile = await analyzeWorkspace(path.join(STACKS_DIR, 'node-nestjs'));
    const report = await analyzeIntegration(profile.root, profile, {
      title: 'Send invoice reminders',
      description: 'Email customers whose invoices are overdue, using the existing invoice entity.',
      integrationPoints: { dependencies: ['nodemailer', 'typeorm'] },
      dataRequirements: { tables: ['invoices', 'reminders'] },
    });
    assert.equal(report.rankedFiles[0]?.path.startsWith('src/invoices/'), true, JSON.stringify(report.rankedFiles));
    assert.ok(report.rankedSymbols.some((s) => s.name === 'Invoice' || s.name === 'InvoicesController'));
    assert.match(report.suggestedLocations.code, /^src\/invoices\/[a-z-]+\.ts$/);
    assert.match(report.suggestedLocations.tests, /^test\/[a-z-]+\.(test|spec)\.ts$/);
    assert.deepEqual(report.missingDependencies.map((m) => m.name), ['nodemailer']);
    assert.deepEqual(report.dataGaps.map((g) => g.name), ['reminders']);
    assert.ok(report.reuse.some((r) => r.kind === 'database' && r.path === 'src/invoices/invoice.entity.ts'));
  });

  it('keeps the repository map within the token budget, most relevant files first', async () => {
    for (let i = 0; i < 300; i++) write(dir.path, `src/mod${i % 10}/file${i}.ts`, `export const value${i} = ${i};\n`);
    write(dir.path, 'src/payments/refund.ts', 'export function issueRefund() {}\n');
    const map = await buildStructureMap(dir.path);
    for (const budget of [50, 200, 1000]) {
      const text = buildRepoMap(map.files, budget, (f) => (f.path.includes('payments') ? 1 : 0));
      assert.ok(estimateTokens(text) <= budget, `${estimateTokens(text)} > ${budget}`);
      if (budget >= 200) assert.match(text, /refund\.ts: issueRefund/);
      if (budget <= 200) assert.match(text, /not shown: \d+ files/);
    }
  });
});
