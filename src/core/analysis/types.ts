/**
 * What the analysis knows about a workspace. Names are lowercase canonical (see docs/analysis.md).
 * Every detected item carries a confidence in [0,1] and the evidence paths it came from.
 */

export type FileKind = 'source' | 'test' | 'config' | 'docs' | 'build' | 'asset' | 'data' | 'other';

export type SkipReason = 'binary' | 'too-large' | 'unreadable' | 'symlink-loop' | 'permission-denied' | 'not-a-file';

/** Facts read from one file's content (cached by path + size + mtime). */
export interface FileFacts {
  /** Import specifiers as written (`./x`, `express`, `pkg.mod`), TS/JS and Python. */
  imports?: string[];
  /** Exported (TS/JS) or top-level public (Python) symbol names. */
  exports?: string[];
  /** Environment variable names the file reads. */
  envVars?: string[];
  /** First doc comment / docstring (trimmed, short). */
  doc?: string;
  /** Interpreter from a `#!` line (`node`, `python`, `bash` …). */
  shebang?: string;
  /** Tables / models the file declares (SQL, Prisma, ORM models, migrations). */
  models?: Omit<DataModel, 'path'>[];
  /** Port literals a server in this file listens on. */
  ports?: number[];
  /** Number of lines. */
  lines?: number;
}

export interface FileEntry {
  /** Workspace-relative, `/`-separated. */
  path: string;
  size: number;
  mtimeMs: number;
  kind: FileKind;
  /** Canonical language name for source and test files (`typescript`, `python` …). */
  language?: string;
  facts?: FileFacts;
}

export interface SkippedFile {
  path: string;
  reason: SkipReason;
  detail?: string;
}

export interface StructureMap {
  root: string;
  /** How the file list was obtained: git's index + untracked-not-ignored, or a walker with .gitignore rules. */
  source: 'git' | 'walker';
  files: FileEntry[];
  skipped: SkippedFile[];
  /** Files whose content was (re)read in this run; the rest came from the cache. */
  readCount: number;
  /** Sub-project roots found from manifests (`.` is the root). */
  projectRoots: string[];
  entryPoints: string[];
  testDirs: string[];
}

export interface StructureSummary {
  files: number;
  sourceFiles: number;
  testFiles: number;
  configFiles: number;
  docsFiles: number;
  buildFiles: number;
  assetFiles: number;
  skipped: { count: number; byReason: Partial<Record<SkipReason, number>>; items: SkippedFile[] };
  source: 'git' | 'walker';
  readCount: number;
  entryPoints: string[];
}

export interface Detection {
  confidence: number;
  evidence: string[];
  /** Why this value, in a sentence (the production commands say which rule chose them). */
  reason?: string;
}

export interface LanguageStat {
  name: string;
  files: number;
  bytes: number;
  confidence: number;
}

export interface FrameworkInfo {
  name: string;
  version: string | null;
  confidence: number;
  evidence: string[];
}

export interface DependencyInfo {
  name: string;
  /** Resolved from the lockfile when one exists, else the declared range. */
  version: string | null;
  dev: boolean;
  ecosystem: 'npm' | 'pypi' | 'go' | 'cargo' | 'maven' | 'rubygems' | 'packagist' | 'hex' | 'nuget' | 'deno' | 'hackage' | 'pub' | 'shards' | 'zig' | 'swiftpm';
  /** True when the version came from a lockfile. */
  locked?: boolean;
}

/**
 * Shell commands, run from the project's folder. `build` and `start` are the production pair (what
 * a server builds and runs); `dev` is the development server; `migrate` what must run before a new
 * release starts (the release's migrate step). Each has its confidence, evidence and reason in
 * `detections['commands.<name>']`.
 */
export interface Commands {
  install: string | null;
  build: string | null;
  test: string | null;
  start: string | null;
  dev: string | null;
  migrate: string | null;
}

/** What the production build leaves to run: a binary, a jar, a folder of static files, .NET publish output, or the source itself (interpreted). */
export interface BuildArtifact {
  kind: 'binary' | 'jar' | 'static' | 'publish' | 'release' | 'source';
  /** Project-relative path of the file or folder the build writes (`bin/server`, `target/app-1.0.jar`, `dist`); null for `source`. */
  path: string | null;
}

/**
 * The runtime a project runs on. `version` is the version its declaration names (20 of ">=20"):
 * container images and CI are pinned to it. `range` is the declaration as written when it accepts
 * more than that one version (">=20" in engines, ">=3.10,<3.13" in requires-python): a release
 * target's runtime must satisfy it, and a newer Node on the server is fine.
 */
export interface RuntimeRequirement {
  name: string;
  version: string | null;
  range?: string | null;
}

/** Another runtime the same project needs (a Node app that also runs Python scripts). */
export interface AdditionalStack {
  runtime: RuntimeRequirement;
  packageManager: string | null;
  install: string | null;
  evidence: string[];
}

export interface CiInfo {
  provider: string;
  files: string[];
}

export interface DockerInfo {
  dockerfiles: string[];
  compose: string[];
  /** Ports from EXPOSE lines. */
  exposedPorts: number[];
}

export interface TestsInfo {
  framework: string | null;
  confidence: number;
  evidence: string[];
  dirs: string[];
  files: number;
}

export interface DataColumn {
  name: string;
  type?: string;
}

export interface DataModel {
  /** Table or model name as declared. */
  name: string;
  kind: 'table' | 'model' | 'collection';
  source: 'sql' | 'prisma' | 'typeorm' | 'sequelize' | 'mongoose' | 'django' | 'sqlalchemy' | 'activerecord' | 'eloquent' | 'ecto';
  path: string;
  columns: DataColumn[];
}

export interface DataInventory {
  models: DataModel[];
  /** ORMs / database clients seen in the dependencies (`prisma`, `typeorm`, `pg` …). */
  databases: string[];
}

export interface ProjectProfile {
  root: string;
  /** Workspace-relative folder of this (sub-)project; `.` for the root. */
  path: string;
  name: string | null;
  languages: LanguageStat[];
  primaryLanguage: string | null;
  frameworks: FrameworkInfo[];
  packageManager: string | null;
  buildTool: string | null;
  runtime: RuntimeRequirement | null;
  commands: Commands;
  /** What the production build produces (null: nothing is known to run in production). */
  artifact: BuildArtifact | null;
  /** Other runtimes the project needs besides `runtime` (empty for most projects). */
  additionalStacks: AdditionalStack[];
  port: number | null;
  dependencies: DependencyInfo[];
  envVars: string[];
  ci: CiInfo[];
  docker: DockerInfo;
  tests: TestsInfo;
  /** Confidence and evidence of the single-valued fields (packageManager, buildTool, runtime, commands, port). */
  detections: Record<string, Detection>;
  entryPoints: string[];
  /** Sub-project profiles (monorepos); empty for a single project and on sub-profiles. */
  projects: ProjectProfile[];
  structure: StructureSummary;
  dataInventory: DataInventory;
  durationMs: number;
}

export interface DataGap {
  kind: 'table' | 'feature';
  name: string;
  /** missing: nothing like it exists; partial: something close exists; unknown: could not be checked from the code. */
  status: 'missing' | 'partial' | 'unknown';
  message: string;
  /** Existing models that look close (for a missing table). */
  candidates: string[];
}

export interface RankedFile {
  path: string;
  score: number;
  reasons: string[];
  symbols: string[];
}

export interface RankedSymbol {
  name: string;
  path: string;
  score: number;
}

export interface ImportEdge {
  from: string;
  /** Resolved workspace-relative path, or the bare package name for external imports. */
  to: string;
  external: boolean;
}

export interface ImportGraph {
  edges: ImportEdge[];
  /** Files importing each file (in-degree) — a centrality proxy. */
  inDegree: Record<string, number>;
}

export interface IntegrationReport {
  rankedFiles: RankedFile[];
  rankedSymbols: RankedSymbol[];
  /** Where the change goes; `existing`: into files the recommendation names (targetFiles), not a new file. */
  suggestedLocations: { code: string; tests: string; reason: string; existing?: boolean };
  reuse: { kind: 'database' | 'http-client' | 'configuration' | 'logging' | 'other'; path: string; reason: string }[];
  missingDependencies: { name: string; ecosystem: string; reason: string }[];
  dataGaps: DataGap[];
  repoMap: string;
  graph: { files: number; edges: number; externalEdges: number };
}

export interface AnalyzeOptions {
  /** The history store; its database holds the structure-map cache. Without it every run is cold. */
  store?: { db: import('better-sqlite3').Database };
  signal?: AbortSignal;
  /** Files over this size are listed, not read (default 1 MB). */
  maxFileBytes?: number;
}

export interface IntegrationOptions {
  /** Token budget of `repoMap` (default 2000; about four characters a token). */
  tokenBudget?: number;
  /** Used when the profile did not come from `analyzeWorkspace` in this process (to map the structure again, warm). */
  store?: AnalyzeOptions['store'];
  signal?: AbortSignal;
}
