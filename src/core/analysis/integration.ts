import type { Recommendation } from '../recommendation/types';
import { checkDataRequirements } from './data-requirements';
import { buildImportGraph } from './import-graph';
import { structureOf } from './profile';
import { rankFiles, words } from './ranking';
import { buildRepoMap } from './repo-map';
import { buildStructureMap } from './structure';
import type { FileEntry, ImportGraph, IntegrationOptions, IntegrationReport, ProjectProfile, StructureMap } from './types';

export { buildRepoMap } from './repo-map';

const REUSE: { kind: IntegrationReport['reuse'][number]['kind']; imports: RegExp; name: RegExp; why: string }[] = [
  { kind: 'database', imports: /^(pg|mysql2?|sqlite3|better-sqlite3|mongodb|mongoose|@prisma\/client|typeorm|sequelize|knex|drizzle-orm|ioredis|redis|sqlalchemy(\..*)?|django\.db(\..*)?|psycopg2?|asyncpg|pymongo|flask_sqlalchemy)$/, name: /(^|\/)(db|database|prisma|repositor(y|ies)|repo|models?|dao|store|entities)(\/|\.|$)/i, why: 'database access' },
  { kind: 'http-client', imports: /^(axios|node-fetch|got|ky|undici|superagent|requests|httpx|aiohttp|urllib3)$/, name: /(^|\/)(api|http|client|fetch(er)?)(\/|[._-]|$)/i, why: 'HTTP client' },
  { kind: 'configuration', imports: /^(dotenv|convict|config|pydantic_settings|decouple|environs)$/, name: /(^|\/)(config|configuration|settings|env)(\/|\.|$)/i, why: 'configuration' },
  { kind: 'logging', imports: /^(winston|pino|bunyan|loglevel|loguru|structlog|logging)$/, name: /(^|\/)(log|logger|logging)(\/|\.|$)/i, why: 'logging' },
];

const EXT_BY_LANGUAGE: Record<string, string> = { typescript: '.ts', javascript: '.js', python: '.py', go: '.go', rust: '.rs', java: '.java', kotlin: '.kt', ruby: '.rb', php: '.php', csharp: '.cs', elixir: '.ex' };

function slug(title: string, style: 'kebab' | 'snake' | 'pascal'): string {
  // Whole words as written ("goes", not the stem "goe"): they name a file.
  const parts = words(title).slice(0, 4);
  if (!parts.length) parts.push('feature');
  if (style === 'snake') return parts.join('_');
  if (style === 'pascal') return parts.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
  return parts.join('-');
}

function dirOf(p: string): string {
  return p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '.';
}

function suggestLocations(map: StructureMap, profile: ProjectProfile, ranked: IntegrationReport['rankedFiles'], recommendation: Recommendation): IntegrationReport['suggestedLocations'] {
  const language = profile.primaryLanguage ?? 'typescript';
  const ext = EXT_BY_LANGUAGE[language] ?? '.ts';
  const style = ['python', 'ruby', 'rust', 'elixir', 'go'].includes(language) ? 'snake' : ['java', 'kotlin', 'csharp', 'php'].includes(language) ? 'pascal' : 'kebab';
  const name = slug(recommendation.title, style);
  const sources = map.files.filter((f) => f.kind === 'source' && f.language === language);
  const topDirs = ranked.slice(0, 5).filter((r) => sources.some((s) => s.path === r.path)).map((r) => dirOf(r.path));
  const counts = new Map<string, number>();
  for (const d of topDirs) counts.set(d, (counts.get(d) ?? 0) + 1);
  let codeDir = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  let reason = codeDir ? `next to the files most related to "${recommendation.title}"` : '';
  if (!codeDir) {
    const common = ['src', 'app', 'lib', 'internal', 'pkg', `src/main/${language}`].find((d) => sources.some((s) => s.path.startsWith(d + '/')));
    codeDir = common ?? (sources[0] ? dirOf(sources[0].path) : '.');
    reason = `the project's main source folder (${codeDir})`;
  }
  const code = `${codeDir === '.' ? '' : codeDir + '/'}${name}${ext}`;
  const tests = map.files.filter((f) => f.kind === 'test' && f.language === language);
  // The recommendation names existing files: the change goes there, not into a new file beside them.
  const named = new Set((recommendation.targetFiles ?? []).map((t) => t.replace(/^\.\//, '')));
  const namedSource = ranked.find((r) => named.has(r.path) && sources.some((s) => s.path === r.path))?.path;
  const namedTest = ranked.find((r) => named.has(r.path) && tests.some((t) => t.path === r.path))?.path ?? map.files.find((f) => f.kind === 'test' && named.has(f.path))?.path;
  if (namedSource) {
    return { code: namedSource, tests: namedTest ?? testPathFor(map, language, ext, namedSource.replace(/\.[^./]+$/, '').split('/').pop()!, dirOf(namedSource), namedSource), reason: 'named in targetFiles: the change goes into the existing files', existing: true };
  }
  return { code, tests: namedTest ?? testPathFor(map, language, ext, name, codeDir, code), reason: `${reason}; tests follow the existing ${tests.length ? `layout of ${tests.length} test files` : 'conventions of the ecosystem'}` };
}

/** Where the tests of `code` go, by the project's layout (colocated, a tests folder) and its language's conventions. */
function testPathFor(map: StructureMap, language: string, ext: string, name: string, codeDir: string, code: string): string {
  const tests = map.files.filter((f) => f.kind === 'test' && f.language === language);
  let testPath: string;
  if (language === 'go') testPath = `${codeDir === '.' ? '' : codeDir + '/'}${name}_test.go`;
  else if (language === 'rust') testPath = `tests/${name}.rs`;
  else if (language === 'java' || language === 'kotlin') testPath = code.replace('/main/', '/test/').replace(new RegExp(`${ext}$`), `Test${ext}`);
  else {
    const colocated = tests.filter((t) => map.files.some((s) => s.kind === 'source' && dirOf(s.path) === dirOf(t.path))).length;
    const suffix = tests.map((t) => /\.(test|spec)\.[a-z]+$/.exec(t.path)?.[1]).find(Boolean) ?? 'test';
    if (language === 'python') {
      const dir = tests[0] ? dirOf(tests[0].path) : 'tests';
      testPath = `${dir}/test_${name}.py`;
    } else if (language === 'ruby') testPath = tests.some((t) => t.path.startsWith('spec/')) ? `spec/${name}_spec.rb` : `test/${name}_test.rb`;
    else if (tests.length && colocated >= tests.length / 2) testPath = code.replace(new RegExp(`${ext.replace('.', '\\.')}$`), `.${suffix}${ext}`);
    else {
      const counts2 = new Map<string, number>();
      for (const t of tests) counts2.set(t.path.split('/')[0]!, (counts2.get(t.path.split('/')[0]!) ?? 0) + 1);
      const testRoot = [...counts2.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 'test';
      testPath = `${testRoot}/${name}.${suffix}${ext}`;
    }
  }
  return testPath;
}

function reuseCandidates(map: StructureMap, graph: ImportGraph): IntegrationReport['reuse'] {
  const out: IntegrationReport['reuse'] = [];
  const externalByFile = new Map<string, string[]>();
  for (const e of graph.edges) if (e.external) externalByFile.set(e.from, [...(externalByFile.get(e.from) ?? []), e.to]);
  for (const rule of REUSE) {
    const hits = map.files
      .filter((f) => f.kind === 'source')
      .map((f) => {
        const ext = externalByFile.get(f.path) ?? [];
        const byImport = ext.find((x) => rule.imports.test(x));
        const byName = rule.name.test(f.path);
        return { f, byImport, byName, score: (byImport ? 2 : 0) + (byName ? 1 : 0) + Math.log1p(graph.inDegree[f.path] ?? 0) };
      })
      .filter((x) => x.byImport || (x.byName && (graph.inDegree[x.f.path] ?? 0) > 0))
      .sort((a, b) => b.score - a.score)
      .slice(0, 3);
    for (const h of hits) out.push({ kind: rule.kind, path: h.f.path, reason: `${rule.why}${h.byImport ? ` (uses ${h.byImport})` : ''}, imported by ${graph.inDegree[h.f.path] ?? 0} files` });
  }
  return out;
}

function missingDependencies(profile: ProjectProfile, recommendation: Recommendation): IntegrationReport['missingDependencies'] {
  const norm = (n: string) => n.toLowerCase().replace(/[-_.]+/g, '-');
  const have = new Set([...profile.dependencies, ...profile.projects.flatMap((p) => p.dependencies)].map((d) => norm(d.name)));
  const ecosystem = [...profile.dependencies, ...profile.projects.flatMap((p) => p.dependencies)][0]?.ecosystem ?? (profile.packageManager === 'pip' ? 'pypi' : (profile.packageManager ?? 'unknown'));
  return (recommendation.integrationPoints?.dependencies ?? [])
    .map((d) => d.trim())
    .filter((d) => d && !have.has(norm(d.replace(/@[^/@]*$/, '').replace(/[<>=~^].*$/, ''))))
    .map((name) => ({ name, ecosystem, reason: 'the recommendation needs it and no manifest declares it' }));
}

/**
 * Where a recommendation belongs in the workspace: files and symbols ranked by relevance,
 * where new code and its tests should go, modules to reuse, dependencies and data it needs
 * that are missing, and a token-budgeted repository map for prompts.
 */
export async function analyzeIntegration(root: string, profile: ProjectProfile, recommendation: Recommendation, options: IntegrationOptions = {}): Promise<IntegrationReport> {
  const map = structureOf(profile) ?? (await buildStructureMap(root, { ...(options.store ? { store: options.store } : {}), ...(options.signal ? { signal: options.signal } : {}) }));
  const graph = buildImportGraph(map);
  const query = [
    recommendation.title,
    recommendation.description,
    ...(recommendation.acceptanceCriteria ?? []),
    ...(recommendation.integrationPoints?.existingSystems ?? []),
    ...(recommendation.dataRequirements?.tables ?? []),
  ].join(' ');
  // Sources are ranked; a file the recommendation names (a test file too) is ranked whatever its kind.
  const targets = new Set((recommendation.targetFiles ?? []).map((t) => t.replace(/^\.\//, '')));
  const sources = map.files.filter((f) => f.kind === 'source' || targets.has(f.path));
  const { files: rankedFiles, symbols: rankedSymbols } = rankFiles(sources, graph, query, recommendation.targetFiles ?? []);
  const score = new Map(rankedFiles.map((r) => [r.path, r.score]));
  const priority = (f: FileEntry) => (score.get(f.path) ?? 0) * 10 + Math.log1p(graph.inDegree[f.path] ?? 0) * 0.1;
  return {
    rankedFiles: rankedFiles.slice(0, 30),
    rankedSymbols: rankedSymbols.slice(0, 30),
    suggestedLocations: suggestLocations(map, profile, rankedFiles, recommendation),
    reuse: reuseCandidates(map, graph),
    missingDependencies: missingDependencies(profile, recommendation),
    dataGaps: checkDataRequirements(profile, recommendation),
    repoMap: buildRepoMap(map.files, options.tokenBudget ?? 2000, priority),
    graph: { files: new Set(graph.edges.map((e) => e.from)).size, edges: graph.edges.filter((e) => !e.external).length, externalEdges: graph.edges.filter((e) => e.external).length },
  };
}
