// Loads the services bundle (dist/extension-services.js, ~2.9 MB) with a V8 code cache. Compiling
// the bundle is the largest single part of its first load in a window (about half of it in plain
// Node); with the code V8 produced on an earlier load handed back, V8 skips that compile and
// most of the lazy compiles of the functions the load runs.
//
// Why not module.enableCompileCache(): it is process-wide, so it would change how every other
// extension in the extension host loads. This cache covers our one file only.
//
// The cache is an optimisation and nothing else: when it is missing, unreadable, rejected by V8 or
// cannot be written, the bundle loads as before and one debug line says why.
import { closeSync, fstatSync, openSync, readFileSync } from 'node:fs';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { createHash, randomBytes } from 'node:crypto';
import Module, { createRequire } from 'node:module';
import path from 'node:path';
import vm from 'node:vm';
import { crc32 } from 'node:zlib';

/**
 * What became of the code cache on this load: `used` (V8 took it), `absent` (none for this
 * bundle yet), `rejected` (V8 or our checksum refused it: another V8, other flags, damaged),
 * `unreadable` (an error other than "not there"), `off` (no cache folder, or the bundle could not
 * be compiled here: a plain require did the load).
 */
export type CodeCacheState = 'used' | 'absent' | 'rejected' | 'unreadable' | 'off';

export interface CodeCacheOptions {
  /** The folder the cache is kept in (the extension's global storage); undefined: a plain require. */
  cacheDir: string | undefined;
  /** Part of the cache's key besides the bundle's size and modification time: the extension's version. */
  version: string;
  /** Where a failure of the cache is said (a debug line); the load itself never fails because of the cache. */
  log(message: string): void;
  /** How long after the load the cache is made and written: the panel's first paint comes first. */
  writeDelayMs?: number;
}

export interface BundleLoad<T> {
  exports: T;
  cache: CodeCacheState;
  /** Settles once the cache has been written, was not needed, or could not be written; never rejects. */
  written: Promise<'written' | 'not-needed' | 'failed'>;
}

/** Long enough for the first command's panel to paint before V8 serialises the code (~15 ms, synchronous). */
const DEFAULT_WRITE_DELAY_MS = 5000;
const CACHE_SUFFIX = '.v8cache';
/** The cache file starts with the CRC-32 of what follows: V8 checks versions and flags, not every byte. */
const HEADER_BYTES = 4;

/** Loads `file` as Node's require would (module, exports, require, __filename, __dirname), with the code cache. */
export function loadWithCodeCache<T>(file: string, options: CodeCacheOptions): BundleLoad<T> {
  const localRequire = createRequire(file);
  const known = localRequire.cache[file];
  if (known?.loaded) return { exports: known.exports as T, cache: 'off', written: Promise.resolve('not-needed') };
  if (!options.cacheDir) return plainLoad(file);

  let source: string;
  let cacheFile: string;
  try {
    // One descriptor: the identity and the source are of the same bytes.
    const fd = openSync(file, 'r');
    try {
      const stat = fstatSync(fd);
      source = readFileSync(fd, 'utf8');
      cacheFile = path.join(options.cacheDir, `${path.basename(file)}.${cacheKey(options.version, stat.size, stat.mtimeMs)}${CACHE_SUFFIX}`);
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    options.log(`code cache: could not read ${file} (${(error as Error).message}); loading it with require`);
    return plainLoad(file);
  }

  let cache: CodeCacheState = 'absent';
  let cachedData: Buffer | undefined;
  try {
    cachedData = verified(readFileSync(cacheFile));
    if (cachedData) cache = 'used';
    else {
      cache = 'rejected';
      options.log(`code cache: ${cacheFile} is damaged (checksum); it will be rewritten`);
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') {
      cache = 'unreadable';
      options.log(`code cache: could not read ${cacheFile} (${(error as Error).message})`);
    }
  }

  let script: vm.Script;
  try {
    script = new vm.Script(Module.wrap(source), {
      filename: file,
      ...(cachedData ? { cachedData } : {}),
      // import() inside the bundle resolves as it would under require (esbuild leaves none today).
      importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
    });
  } catch (error) {
    options.log(`code cache: could not compile ${file} here (${(error as Error).message}); loading it with require`);
    return plainLoad(file);
  }
  if (cachedData && script.cachedDataRejected) {
    cache = 'rejected';
    options.log(`code cache: V8 rejected ${cacheFile} (another V8 version or flags); it will be rewritten`);
  }

  const exports = run<T>(script, file, localRequire);
  const written = cache === 'used' ? Promise.resolve('not-needed' as const) : writeLater(script, cacheFile, path.basename(file), options);
  return { exports, cache, written };
}

/** The bundle's identity: the extension's version, the file's size and modification time, and this V8. */
function cacheKey(version: string, size: number, mtimeMs: number): string {
  // V8 checks only the source's length, its own version and its flags: a rebuilt bundle of the
  // same length would run the old code. The size and mtime (and version) tell the builds apart.
  const identity = [version, size, mtimeMs, process.versions.v8, process.arch].join('\0');
  return createHash('sha256').update(identity).digest('hex').slice(0, 16);
}

function run<T>(script: vm.Script, file: string, localRequire: NodeJS.Require): T {
  const mod = new Module(file);
  mod.filename = file;
  mod.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(path.dirname(file));
  // Registered before it runs, as require does, so a require of the same file gets this module.
  localRequire.cache[file] = mod;
  try {
    const wrapper = script.runInThisContext({ displayErrors: true }) as (exports: unknown, require: NodeJS.Require, module: Module, filename: string, dirname: string) => void;
    wrapper.call(mod.exports, mod.exports, localRequire, mod, file, path.dirname(file));
  } catch (error) {
    delete localRequire.cache[file];
    throw error;
  }
  mod.loaded = true;
  return mod.exports as T;
}

function plainLoad<T>(file: string): BundleLoad<T> {
  return { exports: createRequire(file)(file) as T, cache: 'off', written: Promise.resolve('not-needed') };
}

function verified(framed: Buffer): Buffer | undefined {
  if (framed.length <= HEADER_BYTES) return undefined;
  const data = framed.subarray(HEADER_BYTES);
  return framed.readUInt32BE(0) === crc32(data) ? data : undefined;
}

function writeLater(script: vm.Script, cacheFile: string, bundleName: string, options: CodeCacheOptions): BundleLoad<unknown>['written'] {
  return new Promise((resolve) => {
    const timer = setTimeout(() => void write(script, cacheFile, bundleName, options).then(resolve), options.writeDelayMs ?? DEFAULT_WRITE_DELAY_MS);
    timer.unref();
  });
}

async function write(script: vm.Script, cacheFile: string, bundleName: string, options: CodeCacheOptions): Promise<'written' | 'failed'> {
  const dir = path.dirname(cacheFile);
  // Written beside and renamed: another window reading it sees the old file or the new one, whole.
  const temporary = `${cacheFile}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  try {
    // Made now, not at the load: it then holds the functions the first command compiled too.
    const data = script.createCachedData();
    const header = Buffer.alloc(HEADER_BYTES);
    header.writeUInt32BE(crc32(data));
    await mkdir(dir, { recursive: true });
    await writeFile(temporary, Buffer.concat([header, data]));
    await rename(temporary, cacheFile);
  } catch (error) {
    options.log(`code cache: could not write ${cacheFile} (${(error as Error).message}); the next window compiles the services again`);
    await rm(temporary, { force: true }).catch(() => undefined);
    return 'failed';
  }
  // The caches of earlier builds of this bundle are of no use any more.
  try {
    for (const name of await readdir(dir)) {
      if (name.startsWith(`${bundleName}.`) && name.endsWith(CACHE_SUFFIX) && name !== path.basename(cacheFile)) await rm(path.join(dir, name), { force: true });
    }
  } catch (error) {
    options.log(`code cache: could not remove older caches in ${dir} (${(error as Error).message})`);
  }
  return 'written';
}
