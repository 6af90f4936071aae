import type { FileKind } from './types';

/** Canonical language by file extension (lowercase, without the dot). */
const LANGUAGE_BY_EXT: Record<string, string> = {
  ts: 'typescript', tsx: 'typescript', mts: 'typescript', cts: 'typescript',
  js: 'javascript', jsx: 'javascript', mjs: 'javascript', cjs: 'javascript',
  py: 'python', pyi: 'python', go: 'go', rs: 'rust', java: 'java', kt: 'kotlin', kts: 'kotlin',
  scala: 'scala', groovy: 'groovy', rb: 'ruby', erb: 'ruby', php: 'php', cs: 'csharp', fs: 'fsharp', vb: 'visualbasic',
  ex: 'elixir', exs: 'elixir', heex: 'elixir', erl: 'erlang', swift: 'swift', c: 'c', h: 'c', cc: 'cpp', cpp: 'cpp', cxx: 'cpp', hpp: 'cpp',
  m: 'objective-c', dart: 'dart', clj: 'clojure', cljs: 'clojure', cljc: 'clojure', hs: 'haskell', lhs: 'haskell', gleam: 'gleam', cr: 'crystal', zig: 'zig', lua: 'lua', r: 'r', jl: 'julia', sh: 'shell', bash: 'shell', zsh: 'shell', ps1: 'powershell',
  vue: 'vue', svelte: 'svelte', astro: 'astro', html: 'html', htm: 'html', css: 'css', scss: 'scss', sass: 'scss', less: 'less',
  sql: 'sql', prisma: 'prisma', graphql: 'graphql', gql: 'graphql', proto: 'protobuf', razor: 'csharp', cshtml: 'csharp',
};

/** Markup/style languages counted in `languages` but never the primary language when code exists. */
export const SECONDARY_LANGUAGES = new Set(['html', 'css', 'scss', 'less', 'sql', 'prisma', 'graphql', 'protobuf', 'shell', 'powershell']);

const ASSET_EXT = new Set(['png', 'jpg', 'jpeg', 'gif', 'svg', 'ico', 'webp', 'bmp', 'tiff', 'woff', 'woff2', 'ttf', 'otf', 'eot', 'mp3', 'mp4', 'wav', 'ogg', 'webm', 'pdf', 'zip', 'gz', 'tgz', 'jar', 'war', 'so', 'dll', 'exe', 'dylib', 'class', 'pyc', 'wasm', 'bin']);
const DOCS_EXT = new Set(['md', 'markdown', 'rst', 'adoc', 'txt']);
const DATA_EXT = new Set(['csv', 'tsv', 'parquet', 'sqlite', 'db', 'jsonl', 'ndjson']);
const CONFIG_EXT = new Set(['json', 'jsonc', 'json5', 'yaml', 'yml', 'toml', 'ini', 'cfg', 'conf', 'xml', 'properties', 'env', 'lock', 'gradle', 'csproj', 'sln', 'fsproj', 'editorconfig', 'edn', 'sbt', 'cabal', 'zon']);
const CONFIG_NAMES = new Set([
  'dockerfile', 'makefile', 'procfile', 'project.clj', 'package.swift', 'build.zig', '.dvmrc', '.java-version', '.swift-version', 'gemfile', 'rakefile', 'pipfile', 'justfile', 'vagrantfile', 'brewfile', 'containerfile',
  '.gitignore', '.gitattributes', '.dockerignore', '.npmrc', '.nvmrc', '.node-version', '.python-version', '.ruby-version', '.tool-versions',
  '.env', '.env.example', '.env.sample', 'rust-toolchain', 'go.mod', 'go.sum', 'go.work', 'mix.lock', 'gemfile.lock', 'composer.lock',
]);
const BUILD_DIRS = new Set(['dist', 'build', 'out', 'target', '.next', '.nuxt', '.svelte-kit', 'coverage', 'obj', '__pycache__', '_build', 'public/build', 'vendor', 'node_modules', '.output', '.build', 'zig-out', '.zig-cache', 'zig-cache', '.stack-work', '.dart_tool']);
const DOC_DIRS = new Set(['docs', 'doc', 'documentation']);

export function extensionOf(file: string): string {
  const base = file.slice(file.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : '';
}

export function languageOfPath(file: string): string | undefined {
  return LANGUAGE_BY_EXT[extensionOf(file)];
}

/** Language from a `#!` interpreter (`/usr/bin/env python3` → python). */
export function languageOfShebang(interpreter: string): string | undefined {
  if (/^python/.test(interpreter)) return 'python';
  if (/^(node|nodejs|tsx|ts-node|bun)$/.test(interpreter)) return interpreter === 'tsx' || interpreter === 'ts-node' ? 'typescript' : 'javascript';
  if (/^deno$/.test(interpreter)) return 'typescript';
  if (/^(ba|z|da|k)?sh$/.test(interpreter)) return 'shell';
  if (/^ruby$/.test(interpreter)) return 'ruby';
  if (/^php$/.test(interpreter)) return 'php';
  if (/^perl$/.test(interpreter)) return 'perl';
  if (/^elixir$/.test(interpreter)) return 'elixir';
  return undefined;
}

/** `.h` may be C, C++ or Objective-C; `.m` Objective-C or MATLAB. Content decides. */
export function refineAmbiguousLanguage(file: string, language: string | undefined, head: string): string | undefined {
  const ext = extensionOf(file);
  if (ext === 'h') {
    if (/@interface|@implementation|#import\s/.test(head)) return 'objective-c';
    if (/\b(class|namespace|template\s*<|std::)/.test(head)) return 'cpp';
    return 'c';
  }
  if (ext === 'm') return /@interface|@implementation|#import\s/.test(head) ? 'objective-c' : 'matlab';
  return language;
}

function isTestPath(lower: string, base: string): boolean {
  return (
    /(^|\/)(tests?|__tests__|spec|specs|e2e|test_?suite)\//.test(lower) ||
    /\.(test|spec|e2e)\.[a-z0-9]+$/.test(base) ||
    /^test_.*\.py$/.test(base) ||
    /^tests?\.py$/.test(base) ||
    /_test\.(py|go|exs|rb)$/.test(base) ||
    /_spec\.rb$/.test(base) ||
    /(tests?|it)\.(java|kt|cs)$/.test(base)
  );
}

/** What kind of file this is, from its path alone. */
export function classifyPath(file: string): { kind: FileKind; language?: string } {
  const lower = file.toLowerCase();
  const base = lower.slice(lower.lastIndexOf('/') + 1);
  const ext = extensionOf(lower);
  const segments = lower.split('/');
  for (let i = 0; i < segments.length - 1; i++) {
    if (BUILD_DIRS.has(segments[i]!)) return { kind: 'build' };
  }
  if (/\.min\.(js|css)$/.test(base) || /\.map$/.test(base)) return { kind: 'build' };
  const language = LANGUAGE_BY_EXT[ext];
  if (ASSET_EXT.has(ext)) return { kind: 'asset' };
  if (DATA_EXT.has(ext)) return { kind: 'data' };
  if (CONFIG_NAMES.has(base) || base.startsWith('.env') || base.startsWith('dockerfile') || base.startsWith('docker-compose') || base.startsWith('compose.')) return { kind: 'config' };
  if (/^(tsconfig|jsconfig|package|deno|composer|angular|nest-cli|vercel|netlify|firebase)(\..*)?\.json$/.test(base)) return { kind: 'config' };
  if (/\.config\.(js|cjs|mjs|ts|mts|cts)$/.test(base) || /^\.[a-z]+rc(\.(js|cjs|json|ya?ml))?$/.test(base)) return { kind: 'config' };
  if (language) {
    if (['html', 'css', 'scss', 'less'].includes(language) && segments.some((s) => DOC_DIRS.has(s))) return { kind: 'docs', language };
    return { kind: isTestPath(lower, base) ? 'test' : 'source', language };
  }
  if (DOCS_EXT.has(ext) || base === 'license' || base === 'readme' || base === 'changelog') return { kind: 'docs' };
  if (CONFIG_EXT.has(ext)) return { kind: 'config' };
  return { kind: 'other' };
}
