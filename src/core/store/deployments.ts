import type Database from 'better-sqlite3';

/**
 * `awaiting-review`: a review-mode deployment paused after its tests and gates passed, sandbox kept, until it is shipped or discarded.
 * `refused` / `setup-failed`: it stopped before any model or test ran — refused by the safety step (repository busy, circuit
 * breaker open), or a setup problem (no provider, an invalid recommendation, not a git repository); not a finished deployment
 * (migration 10).
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
};

const SELECT = `SELECT ${Object.entries(COLUMNS).map(([key, column]) => `${column} AS ${key}`).join(', ')} FROM deployments`;

/** The deployments table: one row per deployment, from request to outcome. */
export class DeploymentsRepository {
  private readonly insertStatement: Database.Statement;
  private readonly getStatement: Database.Statement;

  constructor(private readonly db: Database.Database) {
    const keys = Object.keys(COLUMNS) as (keyof DeploymentRow)[];
    this.insertStatement = db.prepare(
      `INSERT INTO deployments (${keys.map((k) => COLUMNS[k]).join(', ')}) VALUES (${keys.map((k) => `@${k}`).join(', ')})`,
    );
    this.getStatement = db.prepare(`${SELECT} WHERE id = ?`);
  }

  insert(row: NewDeployment): void {
    this.insertStatement.run(withDefaults(row));
  }

  /** Inserts many rows in one transaction (history import, benchmarks). */
  insertMany(rows: Iterable<NewDeployment>): number {
    let count = 0;
    this.db.transaction(() => {
      for (const row of rows) {
        this.insertStatement.run(withDefaults(row));
        count++;
      }
    })();
    return count;
  }

  get(id: string): DeploymentRow | undefined {
    return this.getStatement.get(id) as DeploymentRow | undefined;
  }

  update(id: string, changes: Partial<Omit<DeploymentRow, 'id'>>): void {
    const keys = Object.keys(changes) as (keyof DeploymentRow)[];
    if (!keys.length) return;
    const assignments = keys.map((k) => `${COLUMNS[k]} = @${k}`).join(', ');
    this.db.prepare(`UPDATE deployments SET ${assignments} WHERE id = @id`).run({ ...changes, id });
  }

  /** Moves the deployment from status `from` to `to` in one statement; false when it was not in `from` (another process took it first). */
  claim(id: string, from: DeploymentStatus, to: DeploymentStatus): boolean {
    return this.db.prepare(`UPDATE deployments SET status = ? WHERE id = ? AND status = ?`).run(to, id, from).changes === 1;
  }

  list(options: { repoPath?: string; limit?: number } = {}): DeploymentRow[] {
    const where = options.repoPath ? 'WHERE repo_path = @repoPath' : '';
    return this.db
      .prepare(`${SELECT} ${where} ORDER BY created_at DESC LIMIT @limit`)
      .all({ repoPath: options.repoPath, limit: options.limit ?? 50 }) as DeploymentRow[];
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
    ...row,
  };
}
