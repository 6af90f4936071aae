import path from 'node:path';
import { SECONDARY_LANGUAGES } from './classify';
import { buildDataInventory, databasesOf } from './data-inventory';
import { isIncidental, ProjectContext, type StackFindings } from './detect/context';
import { detectDotnet, detectGo, detectJvm, detectRust } from './detect/compiled';
import { detectNode } from './detect/node';
import { detectPython } from './detect/python';
import { detectDeno, detectElixir, detectPhp, detectRuby, detectStatic } from './detect/scripting';
import { detectCrystal, detectDart, detectGleam, detectHaskell, detectSwift, detectZig } from './detect/compiled-languages';
import { detectClojure, detectScala } from './detect/jvm-languages';
import { profileFingerprint, readRecorder, storedProfile, storeProfile } from './profile-cache';
import { scanWorkspace, withFacts, type Scan } from './structure';
import { emptyKindCounts, summarizeCounts, tallyFolders, type FolderTotals, type KindCounts } from './summary';
import type { AdditionalStack, AnalyzeOptions, CiInfo, Commands, DataInventory, Detection, DockerInfo, FileEntry, LanguageStat, ProjectProfile, StructureMap, StructureSummary } from './types';

const NOT_PRIMARY = new Set([...SECONDARY_LANGUAGES, 'vue', 'svelte', 'astro']);

type LanguageTotals = Map<string, { files: number; bytes: number }>;

function languageStats(totals: LanguageTotals): LanguageStat[] {
  const stats = [...totals].map(([name, s]): LanguageStat => ({ name, files: s.files, bytes: s.bytes, confidence: 0 }));
  const total = stats.reduce((n, s) => n + s.bytes, 0) || 1;
  return stats
    .map((s) => ({ ...s, confidence: round(Math.min(0.99, 0.8 + 0.05 * Math.min(s.files, 3) + 0.05 * (s.bytes / total))) }))
    .sort((a, b) => b.bytes - a.bytes || a.name.localeCompare(b.name));
}

function primaryLanguageOf(languages: readonly LanguageStat[]): string | null {
  return (languages.find((l) => !NOT_PRIMARY.has(l.name)) ?? languages[0])?.name ?? null;
}

const round = (n: number) => Math.round(n * 100) / 100;

function ciOf(files: readonly FileEntry[], local: (p: string) => string): CiInfo[] {
  const providers: [RegExp, string][] = [
    [/^\.github\/workflows\/[^/]+\.ya?ml$/, 'github-actions'], [/^\.gitlab-ci\.ya?ml$/, 'gitlab-ci'], [/^\.circleci\/config\.ya?ml$/, 'circleci'], [/^Jenkinsfile$/, 'jenkins'],
    [/^azure-pipelines\.ya?ml$/, 'azure-pipelines'], [/^\.travis\.ya?ml$/, 'travis'], [/^bitbucket-pipelines\.ya?ml$/, 'bitbucket-pipelines'], [/^\.drone\.ya?ml$/, 'drone'], [/^\.buildkite\/.+\.ya?ml$/, 'buildkite'],
  ];
  const out = new Map<string, string[]>();
  for (const f of files) {
    const p = local(f.path);
    const hit = providers.find(([re]) => re.test(p));
    if (hit) out.set(hit[1], [...(out.get(hit[1]) ?? []), f.path]);
  }
  return [...out.entries()].map(([provider, list]) => ({ provider, files: list }));
}

function dockerOf(ctx: ProjectContext): DockerInfo {
  const own = (f: FileEntry) => !isIncidental(ctx.local(f.path));
  const dockerfiles = ctx.find(/(^|\/)(Dockerfile(\.[\w-]+)?|[\w-]+\.Dockerfile|Containerfile)$/).filter((f) => f.kind !== 'build' && own(f)).map((f) => f.path);
  const compose = ctx.find(/(^|\/)(docker-)?compose(\.[\w-]+)?\.ya?ml$/).filter(own).map((f) => f.path);
  const exposed = new Set<number>();
  for (const d of dockerfiles) for (const m of (ctx.read(ctx.local(d)) ?? '').matchAll(/^\s*EXPOSE\s+(\d+)/gim)) exposed.add(Number(m[1]));
  return { dockerfiles, compose, exposedPorts: [...exposed] };
}

function projectName(ctx: ProjectContext): string | null {
  const pkg = ctx.json<{ name?: string }>('package.json')?.name;
  if (pkg) return pkg;
  const pyproject = ctx.toml('pyproject.toml') as { project?: { name?: string }; tool?: { poetry?: { name?: string } } } | undefined;
  if (pyproject?.project?.name ?? pyproject?.tool?.poetry?.name) return (pyproject.project?.name ?? pyproject.tool?.poetry?.name)!;
  const goMod = /^module\s+(\S+)/m.exec(ctx.read('go.mod') ?? '')?.[1];
  if (goMod) return goMod;
  const cargo = (ctx.toml('Cargo.toml') as { package?: { name?: string } } | undefined)?.package?.name;
  if (cargo) return cargo;
  const artifact = /<artifactId>([^<]+)<\/artifactId>/.exec((ctx.read('pom.xml') ?? '').replace(/<parent>[\s\S]*?<\/parent>/, ''))?.[1];
  if (artifact) return artifact;
  return path.basename(ctx.dir === '.' ? ctx.root : ctx.dir) || null;
}

function detectAll(ctx: ProjectContext, workspaceHas: (p: string) => boolean): StackFindings[] {
  const list: StackFindings[] = [];
  const deno = detectDeno(ctx);
  if (deno) list.push(deno);
  const node = deno && !ctx.has('package.json') ? undefined : detectNode(ctx, workspaceHas);
  for (const f of [node, detectPython(ctx), detectGo(ctx), detectRust(ctx), detectJvm(ctx), detectDotnet(ctx), detectRuby(ctx), detectPhp(ctx), detectElixir(ctx)]) if (f) list.push(f);
  for (const detect of [detectClojure, detectScala, detectHaskell, detectDart, detectGleam, detectCrystal, detectZig, detectSwift]) {
    const f = detect(ctx);
    if (f) list.push(f);
  }
  const stat = detectStatic(ctx, list.some((f) => f.ecosystem !== 'pypi' || f.frameworks.length > 0 || ctx.has('requirements.txt') || ctx.has('pyproject.toml')));
  if (stat) list.push(stat);
  return list;
}

/**
 * `files`: everything under the project's folder (languages, structure, containers);
 * `own`: without nested sub-projects (detection: they get their own profile).
 */
function profileOf(map: StructureMap, layout: Layout, dir: string, names: ReadonlySet<string>, inventory: DataInventory, onRead?: (path: string) => void): ProjectProfile {
  const files = layout.under(dir);
  const ctx = new ProjectContext(map.root, dir, layout.own(dir), names, onRead);
  const { languages, structure } = layout.aggregates.get(dir)!;
  const primaryLanguage = primaryLanguageOf(languages);
  const all = detectAll(ctx, (p) => names.has(p));
  const primary = all.find((f) => primaryLanguage && f.languages.includes(primaryLanguage) && (f.packageManager || f.frameworks.length)) ?? all.find((f) => f.packageManager) ?? all[0];
  const frameworks = all.flatMap((f) => f.frameworks).sort((a, b) => b.confidence - a.confidence);
  const detections: Record<string, Detection> = {};
  const take = <T>(key: string, v: { value: T; confidence: number; evidence: string[] } | undefined): T | null => {
    if (!v) return null;
    detections[key] = { confidence: v.confidence, evidence: v.evidence };
    return v.value;
  };
  const docker = dockerOf(new ProjectContext(map.root, dir, files, names, onRead));
  let portV = primary?.port ?? all.find((f) => f.port)?.port;
  if (docker.exposedPorts.length && (!portV || portV.confidence < 0.8)) portV = { value: docker.exposedPorts[0]!, confidence: 0.85, evidence: docker.dockerfiles.slice(0, 1) };
  const testFiles = files.filter((f) => f.kind === 'test');
  const testV = primary?.testFramework ?? all.find((f) => f.testFramework)?.testFramework;
  // What the application reads: test code, fixtures and examples set their own variables.
  const envVars = new Set<string>();
  const prefixOf = dir === '.' ? '' : dir + '/';
  for (const f of files) if (f.kind !== 'test' && !isIncidental(f.path.slice(prefixOf.length))) for (const v of f.facts?.envVars ?? []) envVars.add(v);
  for (const example of ['.env.example', '.env.sample', '.env.template', '.env.dist']) {
    for (const m of (ctx.read(example) ?? '').matchAll(/^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=/gm)) envVars.add(m[1]!);
  }
  const commands: Commands = { install: null, build: null, test: null, start: null, dev: null, migrate: null, ...(primary?.commands ?? {}) };
  if (primary && Object.values(commands).some(Boolean)) detections.commands = { confidence: primary.commandEvidence.length ? 0.85 : 0.5, evidence: primary.commandEvidence };
  for (const [key, d] of Object.entries(primary?.commandDetections ?? {})) detections[`commands.${key}`] = d;
  procfile(ctx, commands, detections);
  const prefix = dir === '.' ? '' : dir + '/';
  const profile: ProjectProfile = {
    root: map.root,
    path: dir,
    name: projectName(ctx),
    languages,
    primaryLanguage,
    frameworks,
    packageManager: take('packageManager', primary?.packageManager),
    buildTool: take('buildTool', primary?.buildTool),
    runtime: take('runtime', primary?.runtime),
    commands,
    artifact: primary?.artifact ?? null,
    additionalStacks: additionalStacks(all, primary),
    port: take('port', portV),
    dependencies: all.flatMap((f) => f.dependencies),
    envVars: [...envVars].sort(),
    ci: ciOf(ctx.files, (p) => ctx.local(p)),
    docker,
    tests: {
      framework: testV?.value ?? null,
      confidence: testV?.confidence ?? 0,
      evidence: testV?.evidence ?? [],
      dirs: map.testDirs.filter((d) => !prefix || d.startsWith(prefix)).map((d) => (prefix ? d.slice(prefix.length) : d)),
      files: testFiles.length,
    },
    detections,
    entryPoints: map.entryPoints.filter((e) => !prefix || e.startsWith(prefix)),
    projects: [],
    structure,
    dataInventory: { models: prefix ? inventory.models.filter((m) => m.path.startsWith(prefix)) : inventory.models, databases: [] },
    durationMs: 0,
  };
  profile.dataInventory.databases = databasesOf(profile.dependencies);
  if (testV) detections.testFramework = { confidence: testV.confidence, evidence: testV.evidence };
  return profile;
}

/** A Procfile's `web:` wins over every inferred start, its `release:` names the migration (Heroku's convention). */
function procfile(ctx: ProjectContext, commands: Commands, detections: Record<string, Detection>): void {
  const text = ctx.read('Procfile');
  if (text === undefined) return;
  const evidence = [ctx.rel('Procfile')];
  for (const m of text.matchAll(/^(web|release):\s*(.+?)\s*$/gm)) {
    const key = m[1] === 'web' ? 'start' : 'migrate';
    commands[key] = m[2]!;
    detections[`commands.${key}`] = { confidence: 0.95, evidence, reason: `the Procfile's ${m[1]}: line (it wins over inference)` };
  }
}

/** Runtimes besides the primary one that the project installs dependencies for (a Node app with a requirements.txt). */
function additionalStacks(all: readonly StackFindings[], primary: StackFindings | undefined): AdditionalStack[] {
  return all
    // Deno and Bun run a package.json's dependencies themselves: Node is not another runtime for them.
    .filter((f) => f !== primary && f.runtime && f.commands.install && f.runtime.value.name !== primary?.runtime?.value.name && !(f.ecosystem === 'npm' && primary?.ecosystem === 'deno'))
    .map((f) => ({ runtime: f.runtime!.value, packageManager: f.packageManager?.value ?? null, install: f.commands.install ?? null, evidence: f.commandEvidence }));
}

/** Each project's files, and what the files under each project's folder add up to. */
interface Layout {
  /** Files by their deepest project folder (what that project's detectors see). */
  own(dir: string): FileEntry[];
  /** Every file under a project's folder, nested projects included. */
  under(dir: string): FileEntry[];
  aggregates: Map<string, { languages: LanguageStat[]; structure: StructureSummary }>;
}

/** The deepest project folder at or above `dir`. */
function projectOf(dir: string, roots: ReadonlySet<string>): string {
  let d = dir;
  while (d !== '.' && !roots.has(d)) d = d.includes('/') ? d.slice(0, d.lastIndexOf('/')) : '.';
  return d;
}

function projectLayout(map: StructureMap, folders: ReadonlyMap<string, FolderTotals>): Layout {
  const roots = new Set(map.projectRoots);
  // Each folder's totals go to its deepest project, then each project adds up the ones nested in it.
  const totals = new Map<string, { kinds: KindCounts; languages: LanguageTotals }>([...roots].map((r) => [r, { kinds: emptyKindCounts(), languages: new Map() }]));
  const add = (to: { kinds: KindCounts; languages: LanguageTotals }, from: FolderTotals) => {
    for (const k of Object.keys(to.kinds) as (keyof KindCounts)[]) to.kinds[k] += from.kinds[k];
    for (const [name, s] of from.languages) {
      const t = to.languages.get(name);
      if (t) {
        t.files += s.files;
        t.bytes += s.bytes;
      } else to.languages.set(name, { ...s });
    }
  };
  for (const [dir, folder] of folders) add(totals.get(projectOf(dir, roots))!, folder);
  const nested = (dir: string) => (dir === '.' ? [...roots] : [...roots].filter((r) => r === dir || r.startsWith(dir + '/')));
  const aggregates = new Map<string, { languages: LanguageStat[]; structure: StructureSummary }>();
  for (const dir of roots) {
    const sum = { kinds: emptyKindCounts(), languages: new Map() as LanguageTotals };
    for (const r of nested(dir)) add(sum, totals.get(r)!);
    aggregates.set(dir, { languages: languageStats(sum.languages), structure: summarizeCounts(map, sum.kinds, dir === '.' ? '' : dir + '/') });
  }
  // The files themselves only when the profile is computed (in the map's order).
  let byProject: Map<string, FileEntry[]> | undefined;
  const own = (dir: string) => {
    if (!byProject) {
      byProject = new Map([...roots].map((r) => [r, []]));
      const projectOfDir = new Map<string, string>();
      for (const f of map.files) {
        const slash = f.path.lastIndexOf('/');
        const fileDir = slash < 0 ? '.' : f.path.slice(0, slash);
        let project = projectOfDir.get(fileDir);
        if (project === undefined) projectOfDir.set(fileDir, (project = projectOf(fileDir, roots)));
        byProject.get(project)!.push(f);
      }
    }
    return byProject.get(dir)!;
  };
  return { own, under: (dir) => (dir === '.' ? map.files : nested(dir).flatMap((r) => own(r))), aggregates };
}

/** The profile from the files' facts and the detectors (`onRead` is told each file they read). */
function assemble(map: StructureMap, layout: Layout, onRead?: (path: string) => void): ProjectProfile {
  const names = new Set(map.files.map((f) => f.path));
  const inventory = buildDataInventory(map);
  const rootProfile = profileOf(map, layout, '.', names, inventory, onRead);
  for (const dir of map.projectRoots.filter((d) => d !== '.')) rootProfile.projects.push(profileOf(map, layout, dir, names, inventory, onRead));
  // A root without a manifest of its own takes the single sub-project's stack facts.
  if (!rootProfile.packageManager && rootProfile.projects.length === 1) {
    const only = rootProfile.projects[0]!;
    for (const key of ['packageManager', 'buildTool', 'runtime', 'commands', 'artifact', 'additionalStacks', 'port'] as const) (rootProfile as unknown as Record<string, unknown>)[key] = only[key];
    for (const [key, d] of Object.entries(only.detections)) if (key.startsWith('commands')) rootProfile.detections[key] = d;
    if (!rootProfile.frameworks.length) rootProfile.frameworks = only.frameworks;
  }
  return rootProfile;
}

/**
 * With a cache: the stored profile when nothing it was derived from changed (only sizes, which
 * languages and structure are recomputed from), else a fresh one, stored for the next run.
 */
function profileOfScan(scan: Scan): ProjectProfile {
  const { map, cache, filesDigest } = scan;
  const layout = projectLayout(map, scan.folders);
  if (!cache || !filesDigest) return assemble(withFacts(map), layout);
  const fingerprint = profileFingerprint(scan, filesDigest, map.projectRoots.map((d) => primaryLanguageOf(layout.aggregates.get(d)!.languages)));
  const stored = storedProfile(cache, scan, fingerprint);
  if (stored) {
    for (const p of [stored, ...stored.projects]) {
      const { languages, structure } = layout.aggregates.get(p.path)!;
      p.languages = languages;
      p.structure = structure;
    }
    return stored;
  }
  const { onRead, reads } = readRecorder(scan);
  const json = JSON.stringify(assemble(withFacts(map), layout, onRead));
  storeProfile(cache, map.root, fingerprint, reads, json);
  // Parsed back: exactly the shape a reused profile has.
  return JSON.parse(json) as ProjectProfile;
}

/**
 * The project profile of a workspace: structure, languages, frameworks, package manager,
 * runtime, commands, dependencies, environment, CI, containers, tests and data models, with a
 * profile per sub-project in a monorepo. Bad files are skipped and counted, never fatal.
 */
export async function analyzeWorkspace(root: string, options: AnalyzeOptions = {}): Promise<ProjectProfile> {
  const started = performance.now();
  const scan = await scanWorkspace(root, options);
  const profile = profileOfScan(scan);
  profile.durationMs = Math.round(performance.now() - started);
  structures.set(profile, scan.map);
  return profile;
}

const structures = new WeakMap<ProjectProfile, StructureMap>();

/** The structure map a profile was built from (same process), so integration analysis need not map again. */
export function structureOf(profile: ProjectProfile): StructureMap | undefined {
  const map = structures.get(profile);
  return map && withFacts(map);
}

export function profileFromStructure(map: StructureMap, started = performance.now()): ProjectProfile {
  const rootProfile = assemble(withFacts(map), projectLayout(map, tallyFolders(map.files)));
  rootProfile.durationMs = Math.round(performance.now() - started);
  structures.set(rootProfile, map);
  return rootProfile;
}
