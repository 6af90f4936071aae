import type { FileEntry, ImportGraph, RankedFile, RankedSymbol } from './types';

const STOP = new Set('a an and are as at be by can for from has have in into is it its of on or so that the their them then there these this to too was we when where which while will with without should must may add new use using make made more less also each all any other such than only not no yes via per out up our your user users app application code file files system support feature implement src'.split(' '));

/** Words of an identifier or a sentence: camelCase, snake_case, kebab-case and paths split, lowercased, without stop words (as written: names are made of these). */
export function words(text: string): string[] {
  return text
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 2 && !STOP.has(w) && !/^\d+$/.test(w));
}

/** `words`, lightly stemmed: what matching compares. */
export function terms(text: string): string[] {
  return words(text).map(stem);
}

export function stem(w: string): string {
  if (w.length > 5 && w.endsWith('ies')) return w.slice(0, -3) + 'y';
  if (w.length > 5 && w.endsWith('ing')) return w.slice(0, -3);
  if (w.length > 4 && w.endsWith('ed')) return w.slice(0, -2);
  if (w.length > 3 && w.endsWith('s') && !w.endsWith('ss')) return w.slice(0, -1);
  return w;
}

/** Words a doc comment uses about itself rather than about what the file does ("kept apart so tests can use it"). */
const DOC_NOISE = new Set(['test', 'spec', 'example']);

/** Modules that serve HTTP: a file importing one (or listening on a port) is a server. */
const HTTP_SERVER_IMPORTS = /^(node:)?https?$|^(express|fastify|koa|@hapi\/hapi|hono|restify|polka|@nestjs\/core|next|flask|fastapi|django(\..*)?|aiohttp(\.web)?|starlette|tornado(\..*)?|bottle|sanic|falcon)$/;

/** `GET /health`: an HTTP route. The verb is no word of the change (it matched getOrder); the path is. */
const HTTP_ROUTE = /\b(?:GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\s+(\/[^\s?#]*)/g;

/** The query without HTTP verbs before a path, and whether it speaks of an HTTP route at all. */
export function httpQuery(query: string): { query: string; http: boolean } {
  const http = new RegExp(HTTP_ROUTE.source).test(query) || /\b(endpoints?|routes?|route handler|http)\b/i.test(query);
  return { query: query.replace(HTTP_ROUTE, '$1'), http };
}

interface Doc {
  file: FileEntry;
  path: Set<string>;
  symbols: Map<string, string[]>;
  doc: Set<string>;
}

/**
 * Ranks source files for a query: lexical match (path segments weigh most, then exported
 * symbols, then doc comments; rare words weigh more) combined with import-graph centrality.
 */
export function rankFiles(files: readonly FileEntry[], graph: ImportGraph, rawQuery: string, targetFiles: readonly string[] = []): { files: RankedFile[]; symbols: RankedSymbol[] } {
  const { query, http } = httpQuery(rawQuery);
  const q = [...new Set(terms(query))];
  const serving = http ? httpServing(files, graph) : new Map<string, { boost: number; reason: string }>();
  const docs: Doc[] = files.map((file) => {
    const symbols = new Map<string, string[]>();
    for (const s of file.facts?.exports ?? []) if (s !== 'default') symbols.set(s, terms(s));
    return { file, path: new Set(terms(file.path.replace(/\.[a-z0-9]+$/i, ''))), symbols, doc: new Set(terms(file.facts?.doc ?? '')) };
  });
  const df = new Map<string, number>();
  for (const d of docs) {
    const all = new Set([...d.path, ...[...d.symbols.values()].flat(), ...d.doc]);
    for (const t of q) if (all.has(t)) df.set(t, (df.get(t) ?? 0) + 1);
  }
  const n = docs.length || 1;
  const idf = (t: string) => Math.log(1 + n / (1 + (df.get(t) ?? 0)));
  const maxIn = Math.max(1, ...Object.values(graph.inDegree));
  const targets = new Set(targetFiles.map((t) => t.replace(/^\.\//, '')));
  const ranked: RankedFile[] = [];
  const symbols: RankedSymbol[] = [];
  for (const d of docs) {
    let lexical = 0;
    const reasons: string[] = [];
    const matchedSymbols: string[] = [];
    for (const t of q) {
      const w = idf(t);
      if (d.path.has(t)) {
        lexical += 2 * w;
        reasons.push(`path matches "${t}"`);
      }
      for (const [name, ts] of d.symbols) {
        if (ts.includes(t)) {
          lexical += 1.5 * w;
          matchedSymbols.push(name);
          reasons.push(`exports ${name}`);
          symbols.push({ name, path: d.file.path, score: w });
        }
      }
      if (d.doc.has(t) && !DOC_NOISE.has(t)) {
        lexical += w;
        reasons.push(`doc mentions "${t}"`);
      }
    }
    const inDeg = graph.inDegree[d.file.path] ?? 0;
    const centrality = Math.log1p(inDeg) / Math.log1p(maxIn);
    let score = lexical > 0 ? lexical * (1 + 0.5 * centrality) : 0.05 * centrality;
    const serves = serving.get(d.file.path);
    if (serves) {
      score += serves.boost;
      reasons.unshift(serves.reason);
    }
    // Ranked for being central alone: say so, rather than no reason at all.
    if (!reasons.length && inDeg > 0) reasons.push(`imported by ${inDeg} file${inDeg === 1 ? '' : 's'}`);
    if (targets.has(d.file.path)) {
      score += 100;
      reasons.unshift('named in targetFiles');
    }
    if (score > 0) ranked.push({ path: d.file.path, score, reasons: [...new Set(reasons)].slice(0, 6), symbols: [...new Set(matchedSymbols)] });
  }
  ranked.sort((a, b) => b.score - a.score || a.path.localeCompare(b.path));
  const top = ranked[0]?.score || 1;
  for (const r of ranked) r.score = Math.round((r.score / top) * 1000) / 1000;
  const symbolScores = new Map<string, RankedSymbol>();
  for (const s of symbols) {
    const key = `${s.path}#${s.name}`;
    const prev = symbolScores.get(key);
    symbolScores.set(key, { ...s, score: (prev?.score ?? 0) + s.score });
  }
  const rankedSymbols = [...symbolScores.values()].sort((a, b) => b.score - a.score);
  const topSymbol = rankedSymbols[0]?.score || 1;
  for (const s of rankedSymbols) s.score = Math.round((s.score / topSymbol) * 1000) / 1000;
  return { files: ranked, symbols: rankedSymbols };
}

/**
 * For a recommendation about an HTTP route: the files that serve HTTP (listen on a port, or use a
 * server framework) and the project's own modules they hand requests to (an Express-style app.js
 * that server.js listens with) — where routes are usually declared. The handler ranks above the
 * listener; a listener that imports nothing of the project holds the routes itself. Read from the
 * facts the structure map already keeps (ports, imports), so a warm cache serves it too.
 */
function httpServing(files: readonly FileEntry[], graph: ImportGraph): Map<string, { boost: number; reason: string }> {
  const out = new Map<string, { boost: number; reason: string }>();
  const known = new Set(files.map((f) => f.path));
  for (const f of files) {
    // A test that makes requests (imports node:http) serves nothing.
    if (f.kind !== 'source') continue;
    const ports = f.facts?.ports ?? [];
    const framework = (f.facts?.imports ?? []).find((i) => HTTP_SERVER_IMPORTS.test(i));
    if (!ports.length && !framework) continue;
    // Only a listener hands requests on; a framework user (an Express app, a Flask module) declares routes itself.
    const local = ports.length ? graph.edges.filter((e) => e.from === f.path && !e.external && known.has(e.to)).map((e) => e.to) : [];
    const why = ports.length ? `serves HTTP (listens on port ${ports.join(', ')})` : `serves HTTP (uses ${framework})`;
    if (!out.has(f.path)) out.set(f.path, { boost: local.length ? 2 : 3, reason: why });
    for (const to of local) {
      const prev = out.get(to);
      if (!prev || prev.boost < 3) out.set(to, { boost: 3, reason: `handles the requests of ${f.path}` });
    }
  }
  return out;
}
