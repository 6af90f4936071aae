import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ICruiseOptions, IForbiddenRuleType } from 'dependency-cruiser';
import { tempDir } from '../support/temp';

const root = path.resolve(__dirname, '..', '..');

interface Violation {
  from: string;
  to: string;
  rule: { name: string };
}

/** Cruises `dirs` (relative to `baseDir`) with the project's import rules (.dependency-cruiser.cjs). */
async function violations(baseDir: string, dirs: string[], tsConfig?: string): Promise<Violation[]> {
  const [{ cruise }, { default: extractTSConfig }, { default: rules }] = await Promise.all([
    import('dependency-cruiser'),
    import('dependency-cruiser/config-utl/extract-ts-config'),
    import(pathToFileURL(path.join(root, '.dependency-cruiser.cjs')).href) as Promise<{ default: { forbidden: IForbiddenRuleType[]; options: ICruiseOptions } }>,
  ]);
  const result = await cruise(
    dirs,
    { ...rules.options, ...(tsConfig ? { tsConfig: { fileName: tsConfig } } : { tsConfig: undefined }), baseDir, validate: true, ruleSet: { forbidden: rules.forbidden } },
    { extensions: ['.ts', '.js', '.json'] },
    tsConfig ? { tsConfig: extractTSConfig(tsConfig) } : undefined,
  );
  return (result.output as { summary: { violations: Violation[] } }).summary.violations;
}

describe('architecture boundary (dependency-cruiser): nothing in src/core below the pipeline imports it', function () {
  this.timeout(60000);

  it('no module of src/core outside pipeline/ imports from pipeline/', async () => {
    const found = await violations(root, ['src/core'], path.join(root, 'tsconfig.json'));
    assert.deepEqual(found.map((v) => `${v.from} -> ${v.to} (${v.rule.name})`), []);
  });

  it('the rule catches a lower layer importing pipeline/: type-only, dynamic and re-exports; the pipeline itself and the CLI may', async () => {
    const dir = tempDir();
    try {
      const write = (file: string, text: string) => {
        mkdirSync(path.dirname(path.join(dir.path, file)), { recursive: true });
        writeFileSync(path.join(dir.path, file), text);
      };
      write('src/core/pipeline/ports.ts', 'export interface SandboxInfo { path: string }\nexport const MODES = [1];\n');
      write('src/core/pipeline/orchestrator.ts', "import type { SandboxInfo } from './ports';\nexport const s: SandboxInfo | undefined = undefined;\n");
      write('src/core/sandbox/worktree.ts', "import type { SandboxInfo } from '../pipeline/ports';\nexport const s: SandboxInfo | undefined = undefined;\n");
      write('src/core/store/steps.ts', "export async function load() { return import('../pipeline/ports'); }\n");
      write('src/core/flow/step-runner.ts', "export { MODES } from '../pipeline/ports';\n");
      write('src/cli/run.ts', "import { MODES } from '../core/pipeline/ports';\nexport const m = MODES;\n");
      const found = await violations(dir.path, ['src']);
      assert.deepEqual(
        found.map((v) => `${v.from} -> ${v.to}`).sort(),
        ['src/core/flow/step-runner.ts -> src/core/pipeline/ports.ts', 'src/core/sandbox/worktree.ts -> src/core/pipeline/ports.ts', 'src/core/store/steps.ts -> src/core/pipeline/ports.ts'],
      );
      assert.ok(found.every((v) => v.rule.name === 'core-below-pipeline'));
    } finally {
      dir.cleanup();
    }
  });
});
