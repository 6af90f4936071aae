// The services' V8 code cache in the real extension host (src/extension/services-loader.ts): the
// services load through it, the cache is written to the extension's global storage after the
// load, and this host's V8 accepts what it wrote (the next window's load uses it).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import Module from 'node:module';
import path from 'node:path';
import vm from 'node:vm';
import { crc32 } from 'node:zlib';
import * as vscode from 'vscode';
import type { DeployAgentApi } from '../../src/extension/main';
import { extras, USER_DATA_ENV } from './results';

/** Files under `dir` whose name matches, a few levels deep. */
function find(dir: string, name: RegExp, depth = 6): string[] {
  if (depth < 0) return [];
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.flatMap((entry) => {
    const full = path.join(dir, entry);
    if (name.test(entry)) return [full];
    return statSync(full, { throwIfNoEntry: false })?.isDirectory() ? find(full, name, depth - 1) : [];
  });
}

async function waitFor<T>(what: string, probe: () => T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) assert.fail(`${what}: not there after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe('the services load with a V8 code cache in the extension’s global storage', () => {
  it('the load says how the cache was used, the cache is written after it, and this host’s V8 accepts it', async function () {
    this.timeout(60000);
    const extension = vscode.extensions.getExtension<DeployAgentApi>('deploy-agent.deploy-agent')!;
    const api = await extension.activate();
    api.services();
    const userData = process.env[USER_DATA_ENV];
    assert.ok(userData, `${USER_DATA_ENV} is not set`);

    const line = await waitFor(
      'the output channel line "Deploy Agent services loaded in … (code cache: …)"',
      () => find(path.join(userData, 'logs'), /^Deploy Agent\.log$/).map((f) => /Deploy Agent services loaded in (\d+) ms \(code cache: (\w+)\)/.exec(readFileSync(f, 'utf8'))).find(Boolean) ?? undefined,
      15000,
    );
    extras.servicesLoad = { ms: Number(line[1]), codeCache: line[2] };
    assert.match(line[2]!, /^(used|absent|rejected)$/, 'the services loaded through the code cache (not a plain require)');

    // Written about 5 s after the load, into the global storage (not the extension's folder).
    const cacheFile = await waitFor('the cache file in the global storage', () => find(path.join(userData, 'User'), /^extension-services\.js\.[0-9a-f]{16}\.v8cache$/)[0], 20000);
    assert.match(cacheFile, /globalStorage/);

    const framed = readFileSync(cacheFile);
    const data = framed.subarray(4);
    assert.equal(framed.readUInt32BE(0), crc32(data), 'the checksum in front of the cache matches');
    const bundle = path.join(extension.extensionPath, 'dist', 'extension-services.js');
    const script = new vm.Script(Module.wrap(readFileSync(bundle, 'utf8')), { filename: bundle, cachedData: data });
    assert.equal(script.cachedDataRejected, false, 'V8 in this extension host accepts the cache (the next window skips the compile)');
    extras.servicesCodeCacheBytes = framed.length;
  });
});
