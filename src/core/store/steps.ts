import type Database from 'better-sqlite3';
import type { StepName, StepStatus } from '../deployment/events';
import { secretRegistry } from '../security/registry';

/** One step's record; `Name` is the flow's step names (a code deployment's by default). */
export interface StepRow<Name extends string = StepName> {
  id: number;
  deploymentId: string;
  name: Name;
  status: StepStatus;
  startedAt: number;
  finishedAt: number | null;
  artifacts: unknown;
  errorCode: string | null;
  errorMessage: string | null;
}

/** The deployment_steps table: each step of a deployment (of any flow) as it starts and ends. */
export class StepsRepository<Name extends string = StepName> {
  private readonly insertStatement: Database.Statement;
  private readonly finishStatement: Database.Statement;
  private readonly listStatement: Database.Statement;

  constructor(private readonly db: Database.Database) {
    this.insertStatement = db.prepare(
      `INSERT INTO deployment_steps (deployment_id, name, status, started_at) VALUES (?, ?, 'running', ?)`,
    );
    this.finishStatement = db.prepare(
      `UPDATE deployment_steps SET status = @status, finished_at = @finishedAt, artifacts = @artifacts, error_code = @errorCode, error_message = @errorMessage WHERE id = @id`,
    );
    this.listStatement = db.prepare(
      `SELECT id, deployment_id AS deploymentId, name, status, started_at AS startedAt, finished_at AS finishedAt, artifacts, error_code AS errorCode, error_message AS errorMessage
         FROM deployment_steps WHERE deployment_id = ? ORDER BY id`,
    );
  }

  start(deploymentId: string, name: Name, at: number): number {
    return Number(this.insertStatement.run(deploymentId, name, at).lastInsertRowid);
  }

  /** Artifacts and the error message are stored without secrets (they carry test and hook output). */
  finish(id: number, outcome: { status: Exclude<StepStatus, 'running'>; at: number; artifacts?: unknown; errorCode?: string; errorMessage?: string }): void {
    this.finishStatement.run({
      id,
      status: outcome.status,
      finishedAt: outcome.at,
      artifacts: outcome.artifacts === undefined ? null : secretRegistry.json(outcome.artifacts),
      errorCode: outcome.errorCode ?? null,
      errorMessage: outcome.errorMessage === undefined ? null : secretRegistry.text(outcome.errorMessage),
    });
  }

  list(deploymentId: string): StepRow<Name>[] {
    return (this.listStatement.all(deploymentId) as (Omit<StepRow<Name>, 'artifacts'> & { artifacts: string | null })[]).map((row) => ({
      ...row,
      artifacts: row.artifacts === null ? null : (JSON.parse(row.artifacts) as unknown),
    }));
  }

  /** Steps left `running` by a process that died: marked failed with the reason. */
  markInterrupted(deploymentId: string, at: number): number {
    return this.db
      .prepare(
        `UPDATE deployment_steps SET status = 'failed', finished_at = ?, error_code = 'INTERRUPTED', error_message = 'The process running this step stopped before it finished.'
          WHERE deployment_id = ? AND status = 'running'`,
      )
      .run(at, deploymentId).changes;
  }
}

export interface EventRow {
  id: number;
  deploymentId: string;
  ts: number;
  type: string;
  payload: unknown;
}

/** The events table: the typed pipeline events, in order. */
export class EventsRepository {
  private readonly insertStatement: Database.Statement;

  constructor(private readonly db: Database.Database) {
    this.insertStatement = db.prepare(`INSERT INTO events (deployment_id, ts, type, payload) VALUES (?, ?, ?, ?)`);
  }

  /** The payload is stored without secrets (hook output, errors, warnings). */
  insert(deploymentId: string, ts: number, type: string, payload: unknown): void {
    this.insertStatement.run(deploymentId, ts, type, secretRegistry.json(payload));
  }

  list(deploymentId: string, type?: string): EventRow[] {
    const rows = this.db
      .prepare(`SELECT id, deployment_id AS deploymentId, ts, type, payload FROM events WHERE deployment_id = ? ${type ? 'AND type = ?' : ''} ORDER BY id`)
      .all(...(type ? [deploymentId, type] : [deploymentId])) as (Omit<EventRow, 'payload'> & { payload: string | null })[];
    return rows.map((row) => ({ ...row, payload: row.payload === null ? null : (JSON.parse(row.payload) as unknown) }));
  }

  latest(deploymentId: string, type: string): EventRow | undefined {
    const row = this.db
      .prepare(`SELECT id, deployment_id AS deploymentId, ts, type, payload FROM events WHERE deployment_id = ? AND type = ? ORDER BY id DESC LIMIT 1`)
      .get(deploymentId, type) as (Omit<EventRow, 'payload'> & { payload: string | null }) | undefined;
    return row ? { ...row, payload: row.payload === null ? null : (JSON.parse(row.payload) as unknown) } : undefined;
  }
}

export interface TestRunRow {
  id: number;
  deploymentId: string;
  stepId: number | null;
  framework: string | null;
  command: string | null;
  passed: number;
  failed: number;
  skipped: number;
  durationMs: number | null;
  coverage: number | null;
  output: string | null;
  createdAt: number;
}

/** The test_runs table: every test run of a deployment (first run and each repair round). */
export class TestRunsRepository {
  constructor(private readonly db: Database.Database) {}

  /** The output (and the command) are stored without secrets: a failing test may print them. */
  insert(row: Omit<TestRunRow, 'id'>): number {
    const redactor = secretRegistry.redactor();
    const clean = { ...row, command: row.command === null ? null : redactor.text(row.command), output: row.output === null ? null : redactor.text(row.output) };
    return Number(
      this.db
        .prepare(
          `INSERT INTO test_runs (deployment_id, step_id, framework, command, passed, failed, skipped, duration_ms, coverage, output, created_at)
           VALUES (@deploymentId, @stepId, @framework, @command, @passed, @failed, @skipped, @durationMs, @coverage, @output, @createdAt)`,
        )
        .run(clean).lastInsertRowid,
    );
  }

  list(deploymentId: string): TestRunRow[] {
    return this.db
      .prepare(
        `SELECT id, deployment_id AS deploymentId, step_id AS stepId, framework, command, passed, failed, skipped, duration_ms AS durationMs, coverage, output, created_at AS createdAt
           FROM test_runs WHERE deployment_id = ? ORDER BY id`,
      )
      .all(deploymentId) as TestRunRow[];
  }
}
