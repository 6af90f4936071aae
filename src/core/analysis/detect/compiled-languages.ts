import { parse as parseYaml } from 'yaml';
import { cleanVersion, findings, framework, portsFromCode, setCommand, type ProjectContext, type StackFindings } from './context';

type Yaml = Record<string, unknown>;
const map = (value: unknown): Yaml => (value && typeof value === 'object' && !Array.isArray(value) ? (value as Yaml) : {});

function yamlOf(ctx: ProjectContext, file: string): Yaml | undefined {
  const text = ctx.read(file);
  if (text === undefined) return undefined;
  try {
    return map(parseYaml(text));
  } catch {
    return undefined;
  }
}

/** The binary a compiled project builds: build, start and the artifact in one place. */
function binary(f: StackFindings, build: string, path: string, evidence: string[], why: string): void {
  f.artifact = { kind: 'binary', path };
  setCommand(f, 'build', build, 0.9, evidence, why);
  setCommand(f, 'start', `./${path}`, 0.85, evidence, 'the compiled binary');
}

/** GHC of a Stackage LTS series (stackage.org): the resolver names the compiler. */
const LTS_GHC: Record<string, string> = { '23': '9.8', '22': '9.6', '21': '9.4', '20': '9.2', '19': '9.0', '18': '8.10' };

/** Haskell with Stack: stack.yaml (resolver) + package.yaml or a .cabal file. */
export function detectHaskell(ctx: ProjectContext): StackFindings | undefined {
  const stack = yamlOf(ctx, 'stack.yaml');
  if (!stack) return undefined;
  const f = findings('hackage', ['haskell']);
  const ev = ctx.rel('stack.yaml');
  const resolver = String(stack.resolver ?? stack.snapshot ?? '');
  const ghc = /^ghc-([\d.]+)/.exec(resolver)?.[1] ?? LTS_GHC[/^lts-(\d+)/.exec(resolver)?.[1] ?? ''] ?? null;
  f.runtime = { value: { name: 'ghc', version: ghc }, confidence: ghc ? 0.85 : 0.6, evidence: [ev] };
  f.packageManager = { value: 'stack', confidence: 0.95, evidence: [ev] };
  f.buildTool = { value: 'stack', confidence: 0.95, evidence: [ev] };
  const pkg = yamlOf(ctx, 'package.yaml');
  const cabalFile = ctx.find(/^[^/]+\.cabal$/)[0];
  const cabal = cabalFile ? (ctx.read(ctx.local(cabalFile.path)) ?? '') : '';
  const deps = [...(Array.isArray(pkg?.dependencies) ? (pkg!.dependencies as unknown[]) : []), ...Object.values(map(pkg?.executables)).flatMap((e) => (Array.isArray(map(e).dependencies) ? (map(e).dependencies as unknown[]) : []))];
  for (const d of [...deps.map(String), ...[...cabal.matchAll(/build-depends:\s*([^\n]+(?:\n\s{4,}[^\n:]+)*)/g)].flatMap((m) => m[1]!.split(','))]) {
    const m = /^\s*([\w-]+)\s*(.*)$/.exec(d);
    if (m && !f.dependencies.some((x) => x.name === m[1])) f.dependencies.push({ name: m[1]!, version: m[2]!.trim() || null, dev: false, ecosystem: 'hackage', locked: false });
  }
  for (const [name, fw] of [['scotty', 'scotty'], ['servant-server', 'servant'], ['yesod', 'yesod']] as const) if (f.dependencies.some((d) => d.name === name)) f.frameworks.push(framework(fw, null, 0.85, [ctx.rel(pkg ? 'package.yaml' : cabalFile!.path)]));
  const exe = Object.keys(map(pkg?.executables))[0] ?? /^executable\s+([\w-]+)/m.exec(cabal)?.[1];
  f.commands = { install: 'stack build --only-dependencies', test: 'stack test' };
  f.commandEvidence = [ev];
  const test = [...(Object.values(map(pkg?.tests)).flatMap((t) => (Array.isArray(map(t).dependencies) ? (map(t).dependencies as unknown[]).map(String) : []))), cabal].join(' ');
  f.testFramework = { value: /hspec/.test(test) ? 'hspec' : /tasty/.test(test) ? 'tasty' : 'stack-test', confidence: /hspec|tasty/.test(test) ? 0.85 : 0.6, evidence: [ev] };
  if (exe) {
    setCommand(f, 'dev', `stack run ${exe}`, 0.85, [ev], `stack run builds and runs the executable ${exe}`);
    binary(f, 'stack install --local-bin-path bin', `bin/${exe}`, [ctx.rel(pkg ? 'package.yaml' : cabalFile!.path)], `stack install copies the executable ${exe} into bin/`);
  } else setCommand(f, 'start', null, 0.6, [ev], 'no executable in package.yaml or the .cabal file: a library runs nothing');
  f.port = portsFromCode(ctx, ['haskell']) ?? (f.frameworks.length ? { value: 3000, confidence: 0.4, evidence: [ev] } : undefined);
  return f;
}

/** Dart: pubspec.yaml (the Dart SDK's pub); a server compiled with `dart compile exe`. Flutter apps are not servers. */
export function detectDart(ctx: ProjectContext): StackFindings | undefined {
  const pubspec = yamlOf(ctx, 'pubspec.yaml');
  if (!pubspec) return undefined;
  const f = findings('pub', ['dart']);
  const ev = ctx.rel('pubspec.yaml');
  const locked = new Map<string, string>();
  for (const m of (ctx.read('pubspec.lock') ?? '').matchAll(/^ {2}([\w-]+):\n(?: {4}[^\n]*\n)*? {4}version: "([^"]+)"/gm)) locked.set(m[1]!, m[2]!);
  for (const [section, dev] of [['dependencies', false], ['dev_dependencies', true]] as const) {
    for (const [name, spec] of Object.entries(map(pubspec[section]))) f.dependencies.push({ name, version: locked.get(name) ?? (typeof spec === 'string' ? spec : null), dev, ecosystem: 'pub', locked: locked.has(name) });
  }
  const sdk = String(map(pubspec.environment).sdk ?? '');
  f.runtime = { value: { name: 'dart', version: cleanVersion(sdk) }, confidence: sdk ? 0.85 : 0.6, evidence: [ev] };
  f.packageManager = { value: 'pub', confidence: 0.95, evidence: [ctx.rel(ctx.has('pubspec.lock') ? 'pubspec.lock' : 'pubspec.yaml')] };
  f.buildTool = { value: 'dart', confidence: 0.9, evidence: [ev] };
  const flutter = f.dependencies.some((d) => d.name === 'flutter');
  for (const name of ['shelf', 'dart_frog', 'serverpod']) {
    const d = f.dependencies.find((x) => x.name === name && !x.dev);
    if (d) f.frameworks.push(framework(name, cleanVersion(d.version), 0.85, [ev]));
  }
  if (flutter) f.frameworks.push(framework('flutter', null, 0.9, [ev]));
  f.commands = { install: flutter ? 'flutter pub get' : 'dart pub get', test: flutter ? 'flutter test' : 'dart test' };
  f.commandEvidence = [ev];
  if (f.dependencies.some((d) => d.name === 'test' || d.name === 'flutter_test')) f.testFramework = { value: flutter ? 'flutter-test' : 'dart-test', confidence: 0.9, evidence: [ev] };
  const name = typeof pubspec.name === 'string' ? pubspec.name : undefined;
  const entry = ['bin/server.dart', ...(name ? [`bin/${name}.dart`] : []), 'bin/main.dart'].find((x) => ctx.has(x));
  if (flutter) setCommand(f, 'start', null, 0.8, [ev], 'a Flutter app is built for devices and browsers, not run as a server');
  else if (entry) {
    const out = entry.replace(/\.dart$/, '');
    setCommand(f, 'dev', `dart run ${entry}`, 0.85, [ctx.rel(entry)], `dart run ${entry}`);
    binary(f, `dart compile exe ${entry} -o ${out}`, out, [ctx.rel(entry)], `dart compile exe makes a native executable of ${entry}`);
  } else setCommand(f, 'start', null, 0.5, [ev], 'no bin/server.dart, bin/<name>.dart or bin/main.dart to compile');
  f.port = portsFromCode(ctx, ['dart']) ?? (f.frameworks.some((x) => x.name === 'shelf' || x.name === 'dart_frog') ? { value: 8080, confidence: 0.5, evidence: [ev] } : undefined);
  return f;
}

/** Gleam: gleam.toml; on the Erlang target an Erlang shipment is what runs in production. */
export function detectGleam(ctx: ProjectContext): StackFindings | undefined {
  const toml = ctx.toml('gleam.toml');
  if (!toml) return undefined;
  const f = findings('hex', ['gleam']);
  const ev = ctx.rel('gleam.toml');
  const locked = new Map<string, string>();
  for (const m of (ctx.read('manifest.toml') ?? '').matchAll(/\{\s*name\s*=\s*"([^"]+)",\s*version\s*=\s*"([^"]+)"/g)) locked.set(m[1]!, m[2]!);
  for (const [section, dev] of [['dependencies', false], ['dev-dependencies', true]] as const) {
    for (const [name, spec] of Object.entries(map(toml[section]))) f.dependencies.push({ name, version: locked.get(name) ?? (typeof spec === 'string' ? spec : null), dev, ecosystem: 'hex', locked: locked.has(name) });
  }
  const target = typeof toml.target === 'string' ? toml.target : 'erlang';
  const gleamVersion = typeof toml.gleam === 'string' ? cleanVersion(toml.gleam) : null;
  const toolVersion = /^gleam\s+(\S+)/m.exec(ctx.read('.tool-versions') ?? '')?.[1];
  f.runtime = { value: { name: 'gleam', version: toolVersion ?? gleamVersion }, confidence: toolVersion ? 0.9 : gleamVersion ? 0.75 : 0.6, evidence: [ctx.rel(toolVersion ? '.tool-versions' : 'gleam.toml')] };
  f.packageManager = { value: 'gleam', confidence: 0.95, evidence: [ev] };
  f.buildTool = { value: 'gleam', confidence: 0.95, evidence: [ev] };
  for (const name of ['wisp', 'mist']) {
    const d = f.dependencies.find((x) => x.name === name);
    if (d) f.frameworks.push(framework(name, cleanVersion(d.version), 0.85, [ev]));
  }
  if (f.dependencies.some((d) => d.name === 'gleeunit')) f.testFramework = { value: 'gleeunit', confidence: 0.9, evidence: [ev] };
  f.commands = { install: 'gleam deps download', test: 'gleam test' };
  f.commandEvidence = [ev];
  setCommand(f, 'dev', 'gleam run', 0.9, [ev], 'gleam run builds and runs the main module');
  if (target === 'erlang') {
    f.artifact = { kind: 'release', path: 'build/erlang-shipment' };
    setCommand(f, 'build', 'gleam export erlang-shipment', 0.85, [ev], 'an Erlang shipment: the compiled BEAM files and a start script, run by Erlang alone');
    setCommand(f, 'start', './build/erlang-shipment/entrypoint.sh run', 0.85, [ev], "the shipment's entrypoint script");
  } else setCommand(f, 'start', null, 0.5, [ev], `the ${target} target: run the compiled JavaScript with the runtime you choose`);
  f.port = portsFromCode(ctx, ['gleam']) ?? (f.frameworks.length ? { value: 8000, confidence: 0.4, evidence: [ev] } : undefined);
  return f;
}

/** Crystal: shard.yml (shards); `shards build --release` writes each target into bin/. */
export function detectCrystal(ctx: ProjectContext): StackFindings | undefined {
  const shard = yamlOf(ctx, 'shard.yml');
  if (!shard) return undefined;
  const f = findings('shards', ['crystal']);
  const ev = ctx.rel('shard.yml');
  const locked = map(yamlOf(ctx, 'shard.lock')?.shards);
  for (const [section, dev] of [['dependencies', false], ['development_dependencies', true]] as const) {
    for (const [name, spec] of Object.entries(map(shard[section]))) {
      const lockedVersion = map(locked[name]).version;
      f.dependencies.push({ name, version: typeof lockedVersion === 'string' ? lockedVersion : typeof map(spec).version === 'string' ? (map(spec).version as string) : null, dev, ecosystem: 'shards', locked: typeof lockedVersion === 'string' });
    }
  }
  const crystal = typeof shard.crystal === 'string' ? cleanVersion(shard.crystal) : null;
  f.runtime = { value: { name: 'crystal', version: crystal }, confidence: crystal ? 0.8 : 0.6, evidence: [ev] };
  f.packageManager = { value: 'shards', confidence: 0.95, evidence: [ctx.rel(ctx.has('shard.lock') ? 'shard.lock' : 'shard.yml')] };
  f.buildTool = { value: 'shards', confidence: 0.9, evidence: [ev] };
  if (f.dependencies.some((d) => d.name === 'kemal')) f.frameworks.push(framework('kemal', f.dependencies.find((d) => d.name === 'kemal')!.version, 0.9, [ev]));
  f.testFramework = { value: 'crystal-spec', confidence: ctx.find(/^spec\/.*_spec\.cr$/).length ? 0.9 : 0.6, evidence: [ev] };
  f.commands = { install: 'shards install', test: 'crystal spec' };
  f.commandEvidence = [ev];
  const [target, spec] = Object.entries(map(shard.targets))[0] ?? [];
  const main = typeof map(spec).main === 'string' ? (map(spec).main as string) : undefined;
  if (target && main) {
    setCommand(f, 'dev', `crystal run ${main}`, 0.85, [ev], `crystal run ${main} (the ${target} target)`);
    binary(f, 'shards build --release --production', `bin/${target}`, [ev], `shards builds the target ${target} (${main}) into bin/`);
  } else setCommand(f, 'start', null, 0.6, [ev], 'shard.yml has no target: a library runs nothing');
  f.port = portsFromCode(ctx, ['crystal']) ?? (f.frameworks.length ? { value: 3000, confidence: 0.5, evidence: [ev] } : undefined);
  return f;
}

/** Zig: build.zig (+ build.zig.zon); the build installs executables into zig-out/bin. */
export function detectZig(ctx: ProjectContext): StackFindings | undefined {
  const build = ctx.read('build.zig');
  if (build === undefined) return undefined;
  const f = findings('zig', ['zig']);
  const ev = ctx.rel('build.zig');
  const zon = ctx.read('build.zig.zon') ?? '';
  const minimum = /\.minimum_zig_version\s*=\s*"([^"]+)"/.exec(zon)?.[1];
  const toolVersion = /^zig\s+(\S+)/m.exec(ctx.read('.tool-versions') ?? '')?.[1];
  f.runtime = { value: { name: 'zig', version: toolVersion ?? minimum ?? null }, confidence: toolVersion ? 0.9 : minimum ? 0.8 : 0.6, evidence: [ctx.rel(toolVersion ? '.tool-versions' : minimum ? 'build.zig.zon' : 'build.zig')] };
  for (const m of zon.matchAll(/\.([\w-]+)\s*=\s*\.\{\s*\.url\s*=\s*"([^"]+)"/g)) f.dependencies.push({ name: m[1]!, version: /(\d+\.\d+\.\d+)/.exec(m[2]!)?.[1] ?? null, dev: false, ecosystem: 'zig', locked: /\.hash\s*=/.test(zon) });
  f.packageManager = { value: 'zig', confidence: 0.9, evidence: [ctx.rel(zon ? 'build.zig.zon' : 'build.zig')] };
  f.buildTool = { value: 'zig', confidence: 0.95, evidence: [ev] };
  f.testFramework = { value: 'zig-test', confidence: /addTest\(/.test(build) ? 0.9 : 0.6, evidence: [ev] };
  f.commands = { install: zon ? 'zig build --fetch' : null, test: /b\.step\(\s*"test"/.test(build) ? 'zig build test' : null };
  f.commandEvidence = [ev];
  const exe = /addExecutable\(\s*\.\{\s*\.name\s*=\s*"([^"]+)"/.exec(build)?.[1];
  if (exe) {
    if (/b\.step\(\s*"run"/.test(build)) setCommand(f, 'dev', 'zig build run', 0.85, [ev], 'the run step of build.zig');
    binary(f, 'zig build -Doptimize=ReleaseSafe', `zig-out/bin/${exe}`, [ev], `zig build installs the executable ${exe} into zig-out/bin (ReleaseSafe: optimised, safety checks kept)`);
  } else setCommand(f, 'start', null, 0.6, [ev], 'build.zig adds no executable');
  f.port = portsFromCode(ctx, ['zig']);
  return f;
}

/** Swift: Package.swift (SwiftPM); an executable target runs from .build/release. */
export function detectSwift(ctx: ProjectContext): StackFindings | undefined {
  const manifest = ctx.read('Package.swift');
  if (manifest === undefined) return undefined;
  const f = findings('swiftpm', ['swift']);
  const ev = ctx.rel('Package.swift');
  const tools = /swift-tools-version:\s*([\d.]+)/.exec(manifest)?.[1] ?? null;
  const pinned = ctx.read('.swift-version')?.trim();
  f.runtime = { value: { name: 'swift', version: pinned ? cleanVersion(pinned) : tools }, confidence: pinned ? 0.9 : tools ? 0.8 : 0.6, evidence: [ctx.rel(pinned ? '.swift-version' : 'Package.swift')] };
  const resolved = ctx.json<{ pins?: { identity: string; state?: { version?: string } }[] }>('Package.resolved');
  for (const m of manifest.matchAll(/\.package\(\s*url:\s*"[^"]*\/([\w.-]+?)(?:\.git)?"\s*,\s*(?:from:\s*"([^"]+)"|[^)]*)\)/g)) {
    const pin = resolved?.pins?.find((p) => p.identity === m[1]!.toLowerCase());
    f.dependencies.push({ name: m[1]!, version: pin?.state?.version ?? m[2] ?? null, dev: false, ecosystem: 'swiftpm', locked: Boolean(pin?.state?.version) });
  }
  f.packageManager = { value: 'swiftpm', confidence: 0.95, evidence: [ev] };
  f.buildTool = { value: 'swiftpm', confidence: 0.95, evidence: [ev] };
  const vapor = f.dependencies.find((d) => d.name === 'vapor');
  if (vapor) f.frameworks.push(framework('vapor', cleanVersion(vapor.version), 0.9, [ev]));
  f.testFramework = { value: 'xctest', confidence: /\.testTarget\(/.test(manifest) ? 0.85 : 0.5, evidence: [ev] };
  f.commands = { install: 'swift package resolve', test: 'swift test' };
  f.commandEvidence = [ev];
  const exe = /\.executableTarget\(\s*name:\s*"([^"]+)"/.exec(manifest)?.[1] ?? /\.executable\(\s*name:\s*"([^"]+)"/.exec(manifest)?.[1];
  if (exe) {
    setCommand(f, 'dev', `swift run ${exe}`, 0.85, [ev], `swift run builds and runs ${exe}`);
    binary(f, `swift build -c release --product ${exe}`, `.build/release/${exe}`, [ev], `the executable target ${exe}, built in release mode`);
  } else setCommand(f, 'start', null, 0.6, [ev], 'Package.swift has no executable target: a library runs nothing');
  f.port = portsFromCode(ctx, ['swift']) ?? (vapor ? { value: 8080, confidence: 0.5, evidence: [ev] } : undefined);
  return f;
}
