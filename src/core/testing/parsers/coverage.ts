/**
 * Line coverage in percent from the reports the frameworks write: istanbul's `json-summary`
 * (c8, nyc, jest, vitest), lcov (node --test), Go's cover profile and coverage.py's Cobertura XML.
 * Undefined when the report has no lines to count.
 */

const round = (n: number) => Math.round(n * 100) / 100;

export function coverageFromIstanbulSummary(json: string): number | undefined {
  const total = (JSON.parse(json) as { total?: { lines?: { total?: number; covered?: number } } }).total?.lines;
  if (!total?.total) return undefined;
  return round((100 * (total.covered ?? 0)) / total.total);
}

/** lcov: LH/LF summed over the source files; test files and dependencies are left out, as the other tools do by default. */
export function coverageFromLcov(lcov: string, isTestFile: (file: string) => boolean = () => false): number | undefined {
  let found = 0;
  let hit = 0;
  let include = true;
  for (const line of lcov.split('\n')) {
    if (line.startsWith('SF:')) {
      const file = line.slice(3).trim();
      include = !/(^|\/)node_modules\//.test(file) && !isTestFile(file);
    } else if (include && line.startsWith('LF:')) found += Number(line.slice(3));
    else if (include && line.startsWith('LH:')) hit += Number(line.slice(3));
  }
  return found ? round((100 * hit) / found) : undefined;
}

/** Go's cover profile: statements covered over statements, each block once (blocks repeat across packages with -coverpkg). */
export function coverageFromGoProfile(profile: string): number | undefined {
  const blocks = new Map<string, { statements: number; covered: boolean }>();
  for (const line of profile.split('\n')) {
    const m = /^(.+:\d+\.\d+,\d+\.\d+) (\d+) (\d+)$/.exec(line.trim());
    if (!m) continue;
    const prior = blocks.get(m[1]!);
    blocks.set(m[1]!, { statements: Number(m[2]), covered: (prior?.covered ?? false) || Number(m[3]) > 0 });
  }
  let total = 0;
  let covered = 0;
  for (const b of blocks.values()) {
    total += b.statements;
    if (b.covered) covered += b.statements;
  }
  return total ? round((100 * covered) / total) : undefined;
}

/** Cobertura XML (pytest-cov's `--cov-report=xml`, which every pytest-cov version writes): lines-covered over lines-valid. */
export function coverageFromCobertura(xml: string): number | undefined {
  const root = /<coverage\b[^>]*>/.exec(xml)?.[0];
  if (!root) return undefined;
  const attr = (name: string) => {
    const value = new RegExp(`\\b${name}="([\\d.]+)"`).exec(root)?.[1];
    return value === undefined ? undefined : Number(value);
  };
  const valid = attr('lines-valid');
  const covered = attr('lines-covered');
  if (valid !== undefined && covered !== undefined) return valid ? round((100 * covered) / valid) : undefined;
  const rate = attr('line-rate');
  return rate === undefined ? undefined : round(rate * 100);
}
