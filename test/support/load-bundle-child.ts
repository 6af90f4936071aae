// One "window" for the services-loader tests: a fresh Node process loads a bundle with the code
// cache as the extension does, waits for the cache to be written, and prints what happened as JSON.
// Usage: node --import tsx test/support/load-bundle-child.ts BUNDLE CACHE_DIR VERSION
import { loadWithCodeCache } from '../../src/extension/services-loader';

const [file, cacheDir, version] = process.argv.slice(2) as [string, string, string];
const logged: string[] = [];
const loaded = loadWithCodeCache<Record<string, unknown> & { later?: () => Promise<unknown> }>(file, { cacheDir: cacheDir || undefined, version, log: (m) => logged.push(m), writeDelayMs: 0 });
void (async () => {
  const written = await loaded.written;
  const { later, ...exports } = loaded.exports;
  process.stdout.write(JSON.stringify({ cache: loaded.cache, written, exports, later: later ? await later() : undefined, logged }));
})();
