import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DeployAgentError } from '../errors';

/** One past CI build, as imported from a TravisTorrent-style CSV. */
export interface HistoryBuild {
  project: string;
  externalId: string;
  /** ms since epoch */
  startedAt: number;
  failed: boolean;
  durationMs?: number;
  branch?: string;
  isPr?: boolean;
  filesChanged?: number;
  linesChanged?: number;
  testsChanged?: number;
  /** Numeric columns known before the build ran (no label, no id, no time). */
  numeric: Record<string, number>;
}

/** Columns that are labels, outcomes or identifiers: never features. */
const NOT_FEATURES = new Set([
  'build_failed', 'build_successful', 'tr_status', 'tr_duration', 'tr_build_id', 'tr_job_id', 'tr_build_number', 'gh_build_started_at',
  'tr_log_num_tests_run', 'tr_log_num_tests_failed', 'tr_log_num_tests_ok', 'tr_log_num_tests_skipped', 'tr_log_tests_failed', 'tr_log_testduration',
  'tr_log_buildduration', 'tr_log_status', 'tr_log_bool_tests_ran', 'tr_log_bool_tests_failed', 'tr_log_setup_time', 'tr_log_analyzer', 'tr_log_frameworks', 'tr_log_lan',
  'tr_prev_build', 'tr_jobs', 'tr_build_id', 'tr_virtual_merged_into', 'tr_original_commit', 'git_trigger_commit', 'git_merged_with', 'git_all_built_commits', 'gh_pr_created_at',
  'gh_first_commit_created_at', 'gh_pushed_at', 'gh_build_started_at', 'gh_pull_req_num', 'gh_project_name', 'git_branch', 'gh_lang', 'gh_description_complexity',
]);

/** Parses "2012-03-15T02:07:19", "2011-08-29 0:13", with or without zone (UTC assumed). NaN when unreadable. */
export function parseBuildTime(value: string): number {
  const v = value.trim();
  const m = /^(\d{4})-(\d{1,2})-(\d{1,2})[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?( UTC)?$/.exec(v);
  if (!m) return Date.parse(v);
  const utc = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, m[6] ? +m[6] : 0);
  const zone = m[7];
  if (!zone || zone === 'Z') return utc;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return utc - sign * (+digits.slice(0, 2) * 60 + +digits.slice(2)) * 60_000;
}

/** Splits one CSV line (quotes allowed). */
function splitCsv(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

/**
 * Reads a TravisTorrent-style CSV: the DL-CIBuild layout (`build_Failed`) or the full
 * TravisTorrent layout (`build_successful` or `tr_status`, `tr_duration`, `gh_project_name`,
 * `git_branch`, …). Builds are returned in time order (by parsed start time, not string order).
 */
export function readTravisTorrentCsv(file: string, options: { project?: string } = {}): HistoryBuild[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new DeployAgentError('HISTORY_FILE_UNREADABLE', `Cannot read ${file}.`, 'Check the path and that the file is readable.', { cause: error });
  }
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (!lines.length) throw new DeployAgentError('HISTORY_FILE_EMPTY', `${file} is empty.`, 'Give a TravisTorrent CSV with a header row.');
  const header = splitCsv(lines[0]!).map((h) => h.trim());
  const lower = header.map((h) => h.toLowerCase());
  const col = (name: string) => lower.indexOf(name);
  const iFailed = col('build_failed');
  const iSuccessful = col('build_successful');
  const iStatus = col('tr_status');
  const iStart = col('gh_build_started_at');
  if (iFailed < 0 && iSuccessful < 0 && iStatus < 0) {
    throw new DeployAgentError('HISTORY_FORMAT', `${file} has no outcome column (build_Failed, build_successful or tr_status).`, 'Use a TravisTorrent CSV (the DL-CIBuild layout or the full TravisTorrent layout).');
  }
  if (iStart < 0) throw new DeployAgentError('HISTORY_FORMAT', `${file} has no gh_build_started_at column.`, 'Use a TravisTorrent CSV with build start times.');
  const iDuration = col('tr_duration');
  const iProject = col('gh_project_name');
  const iBranch = col('git_branch');
  const iId = col('tr_build_id');
  const iPr = col('gh_is_pr');
  const defaultProject = options.project ?? path.basename(file).replace(/\.csv$/i, '');
  const builds: HistoryBuild[] = [];
  const seen = new Set<string>();
  for (let n = 1; n < lines.length; n++) {
    const cells = splitCsv(lines[n]!);
    const project = iProject >= 0 && cells[iProject] ? cells[iProject]! : defaultProject;
    if (options.project && iProject >= 0 && project !== options.project) continue;
    let failed: boolean | undefined;
    if (iFailed >= 0 || iSuccessful >= 0) {
      const cell = (cells[iFailed >= 0 ? iFailed : iSuccessful] ?? '').trim();
      if (!/^(0|1|true|false)$/i.test(cell)) continue; // no outcome recorded
      const yes = /^(1|true)$/i.test(cell);
      failed = iFailed >= 0 ? yes : !yes;
    } else {
      const status = (cells[iStatus] ?? '').trim().toLowerCase();
      if (status === 'passed') failed = false;
      else if (status === 'failed' || status === 'errored') failed = true;
      else continue; // canceled / started: no outcome
    }
    const startedAt = parseBuildTime(cells[iStart] ?? '');
    if (!Number.isFinite(startedAt)) continue;
    const externalId = iId >= 0 && cells[iId] ? cells[iId]! : `row${n}`;
    const key = `${project}\u0000${externalId}`;
    if (seen.has(key)) continue; // full TravisTorrent has one row per job
    seen.add(key);
    const numeric: Record<string, number> = {};
    for (let c = 0; c < header.length; c++) {
      if (NOT_FEATURES.has(lower[c]!)) continue;
      const raw = cells[c]?.trim();
      if (raw === undefined || raw === '') continue;
      const v = raw === 'true' ? 1 : raw === 'false' ? 0 : Number(raw);
      if (Number.isFinite(v)) numeric[header[c]!] = v;
    }
    const files = (numeric.gh_diff_files_added ?? 0) + (numeric.gh_diff_files_deleted ?? 0) + (numeric.gh_diff_files_modified ?? 0);
    builds.push({
      project,
      externalId,
      startedAt,
      failed,
      durationMs: iDuration >= 0 && cells[iDuration] ? Number(cells[iDuration]) * 1000 || undefined : undefined,
      branch: iBranch >= 0 ? cells[iBranch] || undefined : undefined,
      isPr: iPr >= 0 ? /^(1|true)$/i.test((cells[iPr] ?? '').trim()) : undefined,
      filesChanged: files,
      linesChanged: (numeric.git_diff_src_churn ?? 0) + (numeric.git_diff_test_churn ?? 0),
      testsChanged: (numeric.gh_diff_tests_added ?? 0) + (numeric.gh_diff_tests_deleted ?? 0),
      numeric,
    });
  }
  return builds
    .map((b, index) => ({ b, index }))
    .sort((a, b) => a.b.project.localeCompare(b.b.project) || a.b.startedAt - b.b.startedAt || a.index - b.index)
    .map((x) => x.b);
}
