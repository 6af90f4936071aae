import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { secretRegistry } from '../security/registry';
import { collectReport } from './collect';
import { renderReportMarkdown } from './markdown';

/**
 * The deployment report, JSON and Markdown, in `reports/` next to the history database: the
 * outcome, the requirement table, the decision log, every step with its duration, model calls
 * with tokens and cost, tests, repairs, performance against the median of earlier deployments,
 * system impact, hooks and warnings.
 */
export function writeReport(db: Database.Database, dbPath: string, deploymentId: string): { json: string; markdown: string } | undefined {
  const report = collectReport(db, deploymentId);
  if (!report) return undefined;
  const dir = path.join(path.dirname(dbPath), 'reports');
  mkdirSync(dir, { recursive: true });
  const json = path.join(dir, `${deploymentId}.json`);
  const markdown = path.join(dir, `${deploymentId}.md`);
  // What the report quotes (errors, hook output, warnings) is stored redacted already; redacted again
  // here with every secret known now, since a report file is shared more widely than the database.
  const redactor = secretRegistry.redactor();
  writeFileSync(json, redactor.json(report, 2) + '\n');
  writeFileSync(markdown, redactor.text(renderReportMarkdown(report)));
  return { json, markdown };
}
