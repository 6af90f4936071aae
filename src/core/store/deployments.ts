import type Database from 'better-sqlite3';
import { secretRegistry } from '../security/registry';

/** A code deployment (a recommendation turned into a tested change) or a release (the application put onto a target). */
export type DeploymentKind = 'code' | 'release';

/**
 * `awaiting-review`: a review-mode deployment paused after its tests and gates passed, sandbox kept, until it is shipped or discarded.
 * `refused` / `setup-failed`: it stopped before any model or test ran — refused by the safety step (repository busy, circuit
 * breaker open), or a setup problem (no provider, an invalid recommendation, not a git repository); not a finished deployment
 * (migration 11).
 */
export type DeploymentStatus = 'pending' | 'running' | 'succeeded' | 'failed' | 'cancelled' | 'rolled_back' | 'interrupted' | 'awaiting-review' | 'refused' | 'setup-failed';

export interface DeploymentRow {
  id: string;
  repoPath: string;
  title: string;
  category: string | null;
  recommendation: string | null;
  status: DeploymentStatus;
  mode: string | null;
  strategy: string | null;
  environment: string | null;
  branch: string | null;
  commitSha: string | null;
  prUrl: string | null;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  durationMs: number | null;
  errorCode: string | null;
  errorMessage: string | null;
  kind: DeploymentKind;
  /** The release target's name; null for a code deployment. */
  target: string | null;
}

export type NewDeployment = Pick<DeploymentRow, 'id' | 'repoPath' | 'title' | 'createdAt'> & Partial<Omit<DeploymentRow, 'id' | 'repoPath' | 'title' | 'createdAt'>>;

const COLUMNS: Record<keyof DeploymentRow, string> = {
  id: 'id',
  repoPath: 'repo_path',
  title: 'title',
  category: 'category',
  recommendation: 'recommendation',
  status: 'status',
  mode: 'mode',
  strategy: 'strategy',
  environment: 'environment',
  branch: 'branch',
  commitSha: 'commit_sha',
  prUrl: 'pr_url',
  createdAt: 'created_at',
  startedAt: 'started_at',
  finishedAt: 'finished_at',
  durationMs: 'duration_ms',
  errorCode: 'error_code',
  errorMessage: 'error_message',
  kind: 'kind',
  target: 'target',
};

const CODE_KEYS = (Object.keys(COLUMNS) as (keyof DeploymentRow)[]).filter((k) => k !== 'kind' && k !== 'target');

function insertSql(keys: (keyof DeploymentRow)[]): string {
  return `INSERT INTO deployments (${keys.map((k) => COLUMNS[k]).join(', ')}) VALUES (${keys.map((k) => `@${k}`).join(', ')})`;
}

const SELECT = `SELECT ${Object.entries(COLUMNS).map(([key, column]) => `${column} AS ${key}`).join(', ')} FROM deployments`;

/** The deployments table: one row per deployment, from request to outcome. */
export class DeploymentsRepository {
  private readonly insertStatement: Database.Statement;
  private insertReleaseStatement: Database.Statement | undefined;
  private getStatement: Database.Statement | undefined;

  constructor(private readonly db: Database.Database) {
    // A code deployment leaves kind and target to their column defaults (so rows can still be written to a schema before migration 9, as tests of upgrades do).
    this.insertStatement = db.prepare(insertSql(CODE_KEYS));
  }

  insert(row: NewDeployment): void {
    this.statementFor(row).run(withoutSecrets(withDefaults(row)));
  }

  /** Inserts many rows in one transaction (history import, benchmarks). */
  insertMany(rows: Iterable<NewDeployment>): number {
    let count = 0;
    this.db.transaction(() => {
      for (const row of rows) {
        this.statementFor(row).run(withoutSecrets(withDefaults(row)));
        count++;
      }
    })();
    return count;
  }

  private statementFor(row: NewDeployment): Database.Statement {
    if ((row.kind ?? 'code') === 'code' && (row.target ?? null) === null) return this.insertStatement;
    return (this.insertReleaseStatement ??= this.db.prepare(insertSql(Object.keys(COLUMNS) as (keyof DeploymentRow)[])));
  }

  get(id: string): DeploymentRow | undefined {
    return (this.getStatement ??= this.db.prepare(`${SELECT} WHERE id = ?`)).get(id) as DeploymentRow | undefined;
  }

  update(id: string, changes: Partial<Omit<DeploymentRow, 'id'>>): void {
    const keys = Object.keys(changes) as (keyof DeploymentRow)[];
    if (!keys.length) return;
    const assignments = keys.map((k) => `${COLUMNS[k]} = @${k}`).join(', ');
    this.db.prepare(`UPDATE deployments SET ${assignments} WHERE id = @id`).run({ ...withoutSecrets(changes), id });
  }

  /** Moves the deployment from status `from` to `to` in one statement; false when it was not in `from` (another process took it first). */
  claim(id: string, from: DeploymentStatus, to: DeploymentStatus): boolean {
    return this.db.prepare(`UPDATE deployments SET status = ? WHERE id = ? AND status = ?`).run(to, id, from).changes === 1;
  }

  list(options: { repoPath?: string; limit?: number; kind?: DeploymentKind; target?: string } = {}): DeploymentRow[] {
    const conditions = [options.repoPath ? 'repo_path = @repoPath' : '', options.kind ? 'kind = @kind' : '', options.target ? 'target = @target' : ''].filter(Boolean);
    const where = conditions.length ? `WHERE ${conditions.join(' AND ')}` : '';
    return this.db
      .prepare(`${SELECT} ${where} ORDER BY created_at DESC, rowid DESC LIMIT @limit`)
      .all({ repoPath: options.repoPath, kind: options.kind, target: options.target, limit: options.limit ?? 50 }) as DeploymentRow[];
  }

  /** Success rate per (environment, strategy) over finished deployments. */
  successRates(): { environment: string | null; strategy: string | null; total: number; succeeded: number; rate: number }[] {
    return this.db
      .prepare(
        `SELECT environment, strategy, count(*) AS total,
                sum(status = 'succeeded') AS succeeded,
                avg(status = 'succeeded') AS rate
           FROM deployments
          WHERE status IN ('succeeded', 'failed', 'rolled_back')
          GROUP BY environment, strategy
          ORDER BY environment, strategy`,
      )
      .all() as { environment: string | null; strategy: string | null; total: number; succeeded: number; rate: number }[];
  }
}

/** The free-text columns (a recommendation may quote a secret, an error message may carry hook or test output) are stored redacted. */
const FREE_TEXT = ['title', 'recommendation', 'errorMessage'] as const;

function withoutSecrets<T extends Partial<DeploymentRow>>(row: T): T {
  let clean = row;
  for (const key of FREE_TEXT) {
    const value = row[key];
    if (typeof value !== 'string') continue;
    const redacted = secretRegistry.text(value);
    if (redacted !== value) clean = { ...clean, [key]: redacted };
  }
  return clean;
}

function withDefaults(row: NewDeployment): DeploymentRow {
  return {
    category: null,
    recommendation: null,
    status: 'pending',
    mode: null,
    strategy: null,
    environment: null,
    branch: null,
    commitSha: null,
    prUrl: null,
    startedAt: null,
    finishedAt: null,
    durationMs: null,
    errorCode: null,
    errorMessage: null,
    kind: 'code',
    target: null,
    ...row,
  };
}
