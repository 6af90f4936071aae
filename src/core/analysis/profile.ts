import path from 'node:path';
import { SECONDARY_LANGUAGES } from './classify';
import { buildDataInventory, databasesOf } from './data-inventory';
import { ProjectContext, type StackFindings } from './detect/context';
import { detectDotnet, detectGo, detectJvm, detectRust } from './detect/compiled';
import { detectNode } from './detect/node';
import { detectPython } from './detect/python';
import { detectDeno, detectElixir, detectPhp, detectRuby, detectStatic } from './detect/scripting';
import { buildStructureMap, summarizeStructure } from './structure';
import type { AnalyzeOptions, CiInfo, DataInventory, Detection, DockerInfo, FileEntry, LanguageStat, ProjectProfile, StructureMap } from './types';

const NOT_PRIMARY = new Set([...SECONDARY_LANGUAGES, 'vue', 'svelte', 'astro']);

function languageStats(files: readonly FileEntry[]): LanguageStat[] {
  const stats = new Map<string, LanguageStat>();
  for (const f of files) {
    if (!f.language || (f.kind !== 'source' && f.kind !== 'test')) continue;
    const s = stats.get(f.language) ?? { name: f.language, files: 0, bytes: 0, confidence: 0 };
    s.files++;
    s.bytes += f.size;
    stats.set(f.language, s);
  }
  const total = [...stats.values()].reduce((n, s) => n + s.bytes, 0) || 1;
  return [...stats.values()]
    .map((s) => ({ ...s, confidence: round(Math.min(0.99, 0.8 + 0.05 * Math.min(s.files, 3) + 0.05 * (s.bytes / total))) }))
    .sort((a, b) => b.bytes - a.bytes || a.name.localeCompare(b.name));
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
  const dockerfiles = ctx.find(/(^|\/)(Dockerfile(\.[\w-]+)?|[\w-]+\.Dockerfile|Containerfile)$/).filter((f) => f.kind !== 'build').map((f) => f.path);
  const compose = ctx.find(/(^|\/)(docker-)?compose(\.[\w-]+)?\.ya?ml$/).map((f) => f.path);
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
  const stat = detectStatic(ctx, list.some((f) => f.ecosystem !== 'pypi' || f.frameworks.length > 0 || ctx.has('requirements.txt') || ctx.has('pyproject.toml')));
  if (stat) list.push(stat);
  return list;
}

/**
 * `files`: everything under the project's folder (languages, structure, containers);
 * `own`: without nested sub-projects (detection: they get their own profile).
 */
function profileOf(map: StructureMap, dir: string, files: readonly FileEntry[], own: readonly FileEntry[], names: ReadonlySet<string>, inventory: DataInventory): ProjectProfile {
  const ctx = new ProjectContext(map.root, dir, own, names);
  const languages = languageStats(files);
  const primaryLanguage = (languages.find((l) => !NOT_PRIMARY.has(l.name)) ?? languages[0])?.name ?? null;
  const all = detectAll(ctx, (p) => names.has(p));
  const primary = all.find((f) => primaryLanguage && f.languages.includes(primaryLanguage) && (f.packageManager || f.frameworks.length)) ?? all.find((f) => f.packageManager) ?? all[0];
  const frameworks = all.flatMap((f) => f.frameworks).sort((a, b) => b.confidence - a.confidence);
  const detections: Record<string, Detection> = {};
  const take = <T>(key: string, v: { value: T; confidence: number; evidence: string[] } | undefined): T | null => {
    if (!v) return null;
    detections[key] = { confidence: v.confidence, evidence: v.evidence };
    return v.value;
  };
  const docker = dockerOf(new ProjectContext(map.root, dir, files, names));
  let portV = primary?.port ?? all.find((f) => f.port)?.port;
  if (docker.exposedPorts.length && (!portV || portV.confidence < 0.8)) portV = { value: docker.exposedPorts[0]!, confidence: 0.85, evidence: docker.dockerfiles.slice(0, 1) };
  const testFiles = files.filter((f) => f.kind === 'test');
  const testV = primary?.testFramework ?? all.find((f) => f.testFramework)?.testFramework;
  const envVars = new Set<string>();
  for (const f of files) for (const v of f.facts?.envVars ?? []) envVars.add(v);
  for (const example of ['.env.example', '.env.sample', '.env.template', '.env.dist']) {
    for (const m of (ctx.read(example) ?? '').matchAll(/^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=/gm)) envVars.add(m[1]!);
  }
  const commands = { install: null, build: null, test: null, start: null, ...(primary?.commands ?? {}) };
  if (primary && Object.values(commands).some(Boolean)) detections.commands = { confidence: primary.commandEvidence.length ? 0.85 : 0.5, evidence: primary.commandEvidence };
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
    port: take('port', portV),
    dependencies: all.flatMap((f) => f.dependencies),
    envVars: [...envVars].sort(),
    ci: ciOf(own, (p) => ctx.local(p)),
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
    structure: summarizeStructure(map, files, prefix),
    dataInventory: { models: prefix ? inventory.models.filter((m) => m.path.startsWith(prefix)) : inventory.models, databases: [] },
    durationMs: 0,
  };
  profile.dataInventory.databases = databasesOf(profile.dependencies);
  if (testV) detections.testFramework = { confidence: testV.confidence, evidence: testV.evidence };
  return profile;
}

/**
 * The project profile of a workspace: structure, languages, frameworks, package manager,
 * runtime, commands, dependencies, environment, CI, containers, tests and data models, with a
 * profile per sub-project in a monorepo. Bad files are skipped and counted, never fatal.
 */
export async function analyzeWorkspace(root: string, options: AnalyzeOptions = {}): Promise<ProjectProfile> {
  const started = performance.now();
  const map = await buildStructureMap(root, options);
  return profileFromStructure(map, started);
}

const structures = new WeakMap<ProjectProfile, StructureMap>();

/** The structure map a profile was built from (same process), so integration analysis need not map again. */
export function structureOf(profile: ProjectProfile): StructureMap | undefined {
  return structures.get(profile);
}

export function profileFromStructure(map: StructureMap, started = performance.now()): ProjectProfile {
  const names = new Set(map.files.map((f) => f.path));
  const inventory = buildDataInventory(map);
  // Each file belongs to its deepest project folder.
  const roots = new Set(map.projectRoots);
  const groups = new Map<string, FileEntry[]>([...roots].map((r) => [r, []]));
  for (const f of map.files) {
    let d = f.path;
    do d = d.includes('/') ? d.slice(0, d.lastIndexOf('/')) : '.';
    while (d !== '.' && !roots.has(d));
    groups.get(d)!.push(f);
  }
  const under = (dir: string) => (dir === '.' ? map.files : [...roots].filter((r) => r === dir || r.startsWith(dir + '/')).flatMap((r) => groups.get(r)!));
  const rootProfile = profileOf(map, '.', map.files, groups.get('.')!, names, inventory);
  for (const dir of map.projectRoots.filter((d) => d !== '.')) rootProfile.projects.push(profileOf(map, dir, under(dir), groups.get(dir)!, names, inventory));
  // A root without a manifest of its own takes the single sub-project's stack facts.
  if (!rootProfile.packageManager && rootProfile.projects.length === 1) {
    const only = rootProfile.projects[0]!;
    for (const key of ['packageManager', 'buildTool', 'runtime', 'commands', 'port'] as const) (rootProfile as unknown as Record<string, unknown>)[key] = only[key];
    if (!rootProfile.frameworks.length) rootProfile.frameworks = only.frameworks;
  }
  rootProfile.durationMs = Math.round(performance.now() - started);
  structures.set(rootProfile, map);
  return rootProfile;
}
