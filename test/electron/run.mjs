// npm run test:electron — the extension-host suite (test/vscode-suite) through
// @vscode/test-electron in a desktop VS Code: the one at VSCODE_EXECUTABLE_PATH, or one it
// downloads. Where neither is possible it says so and exits 77 (skipped): it never reports a
// pass it did not earn. (The same suite runs in code-server with `npm run test:e2e`.)
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildVscodeSuite } from '../../scripts/build-vscode-suite.mjs';
import { repoRoot } from '../../scripts/code-server/util.mjs';

const SKIPPED = 77;
const VERSION = '1.103.2';
const executable = process.env.VSCODE_EXECUTABLE_PATH;

/** Whether VS Code could be downloaded from here: the update service answers. */
async function downloadPossible() {
  try {
    const response = await fetch('https://update.code.visualstudio.com/api/releases/stable', { signal: AbortSignal.timeout(8000) });
    return response.ok ? { ok: true } : { ok: false, reason: `update.code.visualstudio.com answered HTTP ${response.status}` };
  } catch (error) {
    const cause = /** @type {{ cause?: { code?: string, message?: string } }} */ (error).cause;
    return { ok: false, reason: `update.code.visualstudio.com is unreachable (${cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error))})` };
  }
}

if (executable && !existsSync(executable)) {
  console.error(`test:electron: VSCODE_EXECUTABLE_PATH is ${executable}, which does not exist.`);
  process.exit(1);
}
if (!executable) {
  const download = await downloadPossible();
  if (!download.ok) {
    console.log(`test:electron: SKIPPED, cannot run here: VSCODE_EXECUTABLE_PATH is not set and VS Code ${VERSION} cannot be downloaded: ${download.reason}.`);
    console.log('test:electron: set VSCODE_EXECUTABLE_PATH to a VS Code (>= 1.103) binary, or run where the download works. The same suite runs in code-server with `npm run test:e2e`.');
    console.log('electron: skipped, nothing ran (exit 77 = skipped, never a pass)');
    process.exit(SKIPPED);
  }
}

const { runTests } = await import('@vscode/test-electron');
const suiteEntry = await buildVscodeSuite();
const tmp = mkdtempSync(path.join(os.tmpdir(), 'deploy-agent-electron-'));
const workspace = path.join(tmp, 'workspace');
cpSync(path.join(repoRoot, 'test', 'fixtures', 'e2e-workspace'), workspace, { recursive: true });
const userDataDir = path.join(tmp, 'user-data');
const resultsFile = path.join(tmp, 'results.json');
let exitCode = 1;
try {
  exitCode = await runTests({
    ...(executable ? { vscodeExecutablePath: executable } : { version: VERSION }),
    extensionDevelopmentPath: repoRoot,
    extensionTestsPath: suiteEntry,
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--user-data-dir', userDataDir, ...(process.getuid?.() === 0 ? ['--no-sandbox'] : [])],
    extensionTestsEnv: { DEPLOY_AGENT_VSCODE_TEST_RESULTS: resultsFile, DEPLOY_AGENT_VSCODE_TEST_USER_DATA: userDataDir },
  });
} catch (error) {
  console.error(`test:electron: VS Code did not run the suite: ${error instanceof Error ? error.message : String(error)}`);
}
let results;
try {
  results = JSON.parse(readFileSync(resultsFile, 'utf8'));
} catch {
  results = undefined;
}
rmSync(tmp, { recursive: true, force: true });
if (!results) {
  console.log('electron: 0 passed, 1 failed (the suite wrote no results)');
  process.exit(1);
}
for (const t of results.tests) console.error(`${t.state === 'passed' ? 'ok  ' : 'FAIL'} ${t.title}${t.error ? `\n     ${t.error.split('\n')[0]}` : ''}`);
console.log(`electron: ${results.passed} passed, ${results.failed} failed`);
process.exit(results.failed > 0 || exitCode !== 0 ? 1 : 0);
