import type { FileEntry, FileKind, SkipReason, StructureMap, StructureSummary } from './types';

// What the files of a workspace, or of a folder or project in it, add up to.

/** Files per kind (and in all), what a structure summary counts. */
export type KindCounts = Record<FileKind, number> & { all: number };

export function emptyKindCounts(): KindCounts {
  return { all: 0, source: 0, test: 0, config: 0, docs: 0, build: 0, asset: 0, data: 0, other: 0 };
}

export function summarizeStructure(map: StructureMap, files: readonly FileEntry[] = map.files, prefix = ''): StructureSummary {
  const counts = emptyKindCounts();
  for (const f of files) counts[f.kind]++;
  counts.all = files.length;
  return summarizeCounts(map, counts, prefix);
}

/** The structure summary of the files under `prefix` (`''`: all), from their counts per kind. */
export function summarizeCounts(map: StructureMap, counts: KindCounts, prefix = ''): StructureSummary {
  const items = prefix ? map.skipped.filter((s) => s.path.startsWith(prefix)) : map.skipped;
  const byReason: Partial<Record<SkipReason, number>> = {};
  for (const s of items) byReason[s.reason] = (byReason[s.reason] ?? 0) + 1;
  return {
    files: counts.all,
    sourceFiles: counts.source,
    testFiles: counts.test,
    configFiles: counts.config,
    docsFiles: counts.docs,
    buildFiles: counts.build,
    assetFiles: counts.asset,
    skipped: { count: items.length, byReason, items: items.slice(0, 200) },
    source: map.source,
    readCount: map.readCount,
    entryPoints: prefix ? map.entryPoints.filter((e) => e.startsWith(prefix)).map((e) => e.slice(prefix.length)) : map.entryPoints,
  };
}

/** What the files directly in one folder add up to: files per kind, files and bytes per language of source and test files. */
export interface FolderTotals {
  kinds: KindCounts;
  languages: Map<string, { files: number; bytes: number }>;
}

/** Adds files up by folder (`tallyFolders`, or one at a time during a scan). */
export class FolderTally {
  readonly totals = new Map<string, FolderTotals>();
  private last: FolderTotals | undefined;
  private lastPrefix = '';

  /** `slash`: the position of the path's last `/` (-1 for a file at the root). */
  add(file: FileEntry, path: string, slash: number): void {
    // Files come sorted, so the folder mostly is the previous file's: compared without slicing.
    let folder = this.last;
    if (!folder || slash + 1 !== this.lastPrefix.length || !path.startsWith(this.lastPrefix)) {
      this.lastPrefix = path.slice(0, slash + 1);
      const dir = slash < 0 ? '.' : path.slice(0, slash);
      folder = this.totals.get(dir);
      if (!folder) this.totals.set(dir, (folder = { kinds: emptyKindCounts(), languages: new Map() }));
      this.last = folder;
    }
    folder.kinds[file.kind]++;
    folder.kinds.all++;
    if (file.language && (file.kind === 'source' || file.kind === 'test')) {
      const totals = folder.languages.get(file.language);
      if (totals) {
        totals.files++;
        totals.bytes += file.size;
      } else folder.languages.set(file.language, { files: 1, bytes: file.size });
    }
  }
}

export function tallyFolders(files: readonly FileEntry[]): Map<string, FolderTotals> {
  const tally = new FolderTally();
  for (const f of files) tally.add(f, f.path, f.path.lastIndexOf('/'));
  return tally.totals;
}
