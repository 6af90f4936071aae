import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type Database from 'better-sqlite3';
import type { EventError, StepName, TestCounts } from '../deployment/events';
import { DeployAgentError } from '../errors';
import type { FinalStatus } from '../flow/step';
import { toEventError } from '../flow/event-error';
import { firstIncomplete, StepRunner } from '../flow/step-runner';
import { DeploymentsRepository } from '../store/deployments';
import { TestRunsRepository } from '../store/steps';
import { RecommendationChoicesRepository, withStoredChoice } from '../store/recommendation-choices';
import { setupFailureStatus } from './setup-failure';
import { freshState, latestTree, type DeployStep, type DeploymentState, type Patch } from './deployment-state';
import { PipelineEventBus } from './events';
import { deploymentOutcome, type DeploymentOutcome } from './outcome';
import { normalizeChoice } from './choice';
import { planFor } from './plan';
import { SHIP_MODES, type DeployRequest, type PipelinePorts, type ShipMode } from './ports';
import { CODE_DEPLOYMENT_STEPS, HISTORY_STOPPED, keptWorktree, learnStep, REPOSITORY_LOCK, reviewCheckStep } from './steps';
import { plural } from '../plural';

export type { FinalStatus } from '../flow/step';
export type { DeploymentOutcome } from './outcome';

export interface OrchestratorOptions {
  db: Database.Database;
  ports: PipelinePorts;
  events?: PipelineEventBus;
  now?: () => number;
  /** This process (the deployment's owner, recorded so that a dead owner is recognised). */
  pid?: number;
  newId?: () => string;
  /** Called right after a step's start is persisted (tests use it to kill the process at a chosen step). */
  onStepStarted?(step: StepName, deploymentId: string): void;
}

/** Steps that work from the branch alone (no worktree): a failed push or pull request can be retried with `resume`. */
const SHIPPING_STEPS: readonly StepName[] = ['push', 'pull-request'];

const START_AGAIN = 'Start a new deployment with `deploy-agent deploy FILE`.';

/** Recording the outcome and the report happen after a cancel too: their failures are described as they are. */
const NEVER_ABORTED = new AbortController().signal;

/**
 * Runs code deployments on the step runner (src/core/flow): the plan of the request's mode
 * (plan.ts), each step its own module (steps/), and `learn` closing every run; ends every
 * deployment (succeeded, failed, cancelled) with the sandbox removed (unless kept), the lock
 * released, the outcome recorded and the report written. `resume` continues an interrupted one
 * from its last completed step, or rolls it back when that is not possible.
 */
export class Orchestrator {
  readonly events: PipelineEventBus;
  private readonly runner: StepRunner<StepName>;
  private readonly deployments: DeploymentsRepository;
  private readonly testRuns: TestRunsRepository;

  constructor(private readonly options: OrchestratorOptions) {
    this.events = options.events ?? new PipelineEventBus();
    this.runner = new StepRunner<StepName>({ db: options.db, events: this.events, now: options.now, pid: options.pid, onStepStarted: options.onStepStarted });
    this.deployments = new DeploymentsRepository(options.db);
    this.testRuns = new TestRunsRepository(options.db);
  }

  /** Starts a new deployment; resolves when it has ended (never rejects for a deployment failure: see `outcome.status`). */
  async deploy(request: DeployRequest, signal: AbortSignal): Promise<DeploymentOutcome> {
    // A choice naming a path outside the workspace is bad input: refused before anything is recorded.
    // What the user excluded or preferred in the editor for this recommendation file joins the caller's choice.
    const stored = new RecommendationChoicesRepository(this.options.db).get(request.recommendationFile);
    const choice = normalizeChoice(withStoredChoice(request.choice, stored));
    const { choice: _given, ...rest } = request;
    const normalized: DeployRequest = {
      ...rest,
      recommendationFile: path.resolve(request.recommendationFile),
      workspaceDir: path.resolve(request.workspaceDir),
      ...(choice ? { choice } : {}),
    };
    const id = (this.options.newId ?? newDeploymentId)();
    const createdAt = this.runner.now();
    this.runner.open(
      {
        id,
        repoPath: normalized.workspaceDir,
        title: path.basename(normalized.recommendationFile),
        status: 'running',
        mode: normalized.mode,
        strategy: normalized.strategy,
        createdAt,
        startedAt: createdAt,
      },
      normalized,
    );
    return this.run(freshState(id, normalized), planFor(normalized.mode).map(stepNamed), signal, null, { retakeLock: false });
  }

  /**
   * Continues deployment `id` after its process died: from the first step of its plan that did
   * not complete. When the sandbox it needs is gone it is rolled back instead (sandbox and
   * branch removed, status `rolled_back`).
   */
  async resume(id: string, signal: AbortSignal): Promise<DeploymentOutcome> {
    const reopened = this.runner.reopen(id, {
      startAgainHint: START_AGAIN,
      // A failed push or pull request on a committed branch can be retried; a run the history database stopped continues.
      canContinue: (row, steps) =>
        row.status === 'failed' &&
        ((Boolean(row.commitSha) && SHIPPING_STEPS.includes(steps.filter((s) => s.status === 'failed').at(-1)?.name as StepName)) || HISTORY_STOPPED.includes(row.errorCode ?? '')),
    });
    const request = reopened.request as DeployRequest;
    const state = freshState(id, request);
    Object.assign(state, reopened.artifacts as Patch);
    // What the killed run left running in the sandbox (a test, an install) stops before anything touches it.
    const stopped = (await this.options.ports.stopLeftoverProcesses?.(id)) ?? [];
    if (stopped.length) state.warnings.push(`Stopped what the interrupted run left running in its sandbox: ${stopped.map((g) => `${g.what} (process group ${g.pid}, ${plural(g.processes, 'process', 'processes')})`).join(', ')}.`);
    const plan = planFor(request.mode, { fromReview: request.fromReview });
    let from = firstIncomplete(plan, reopened.completed);
    // A ship killed before its commit checks the sandbox again: the user may have edited it meanwhile.
    if (request.fromReview && !reopened.completed.has('commit')) from = Math.min(from, plan.indexOf('retest'));
    const fromStep = plan[from] ?? 'learn';

    // What the remaining steps need from the outside world must still be there (push and the pull request need only the branch).
    if (state.sandbox && plan.slice(from).some((step) => !SHIPPING_STEPS.includes(step))) {
      const exists = await this.options.ports.sandboxExists(state.repoRoot!, state.sandbox);
      if (!exists) return this.rollBack(state, `its sandbox worktree ${state.sandbox.path} is gone`);
      // A reviewed sandbox holds the user's edits: never put back to an earlier tree (the ship's check looks at it as it is).
      const tree = request.fromReview ? undefined : latestTree(state);
      if (tree) await this.options.ports.restoreSandbox(state.sandbox, tree);
    }
    // A resumed deployment past its safety step takes the repository's lock again first.
    const retakeLock = from > plan.indexOf('safety') && Boolean(state.repoRoot);
    return this.run(state, plan.slice(from).map(stepNamed), signal, fromStep, { retakeLock, priorMs: request.fromReview ? reopened.row.durationMs ?? 0 : undefined });
  }

  /**
   * Ships a deployment that waits for review (`awaiting-review`): its sandbox is checked again
   * when it changed since its tests last passed (the user's edits are kept and committed), then
   * committed, and for `full-pr` pushed with a pull request opened — the same steps, branch,
   * pull request body, outcome and learning as a one-shot deployment in that mode. Resolves when
   * it has ended: `succeeded`, or `failed` after the commit (a push refused: `resume` retries it),
   * or back to `awaiting-review` with the error when it stopped before committing (a failing
   * check, a cancel). A process killed meanwhile is continued by `resume`.
   *
   * The panel's two clicks: `ship(id, 'local-commit')` ("Create branch & commit"), then
   * `ship(id, 'full-pr')` on the committed deployment ("Push & open pull request"): a deployment
   * that succeeded as local-commit is continued with push and pull request from its branch.
   */
  async ship(id: string, mode: ShipMode, signal: AbortSignal): Promise<DeploymentOutcome> {
    if (!SHIP_MODES.includes(mode)) {
      throw new DeployAgentError('INVALID_SHIP_MODE', `A reviewed deployment is shipped as ${SHIP_MODES.join(' or ')}, not ${String(mode)}.`, 'Pass --mode local-commit (commit on the branch) or --mode full-pr (push and open a pull request).');
    }
    const row = this.deployments.get(id);
    if (mode === 'full-pr' && row?.status === 'succeeded' && row.mode === 'local-commit' && row.commitSha) return this.pushCommitted(id, signal);
    const { state, priorMs } = this.takeUpReview(id, 'ship');
    await this.requireSandbox(state);
    // The new intent first: a process killed during the ship is resumed with this plan.
    const request: DeployRequest = { ...state.request, mode, fromReview: true };
    this.runner.recordRequest(id, request);
    this.deployments.update(id, { mode });
    state.request = request;
    const plan = planFor(mode, { fromReview: true });
    return this.run(state, plan.slice(plan.indexOf('retest')).map(stepNamed), signal, null, { retakeLock: true, priorMs });
  }

  /** The second click: a change committed on its branch (local-commit) is pushed and its pull request opened, as full-pr would have. */
  private async pushCommitted(id: string, signal: AbortSignal): Promise<DeploymentOutcome> {
    const priorMs = this.deployments.get(id)?.durationMs ?? 0;
    const reopened = this.runner.reopen(id, { startAgainHint: START_AGAIN, canContinue: () => this.deployments.claim(id, 'succeeded', 'running') });
    const previous = reopened.request as DeployRequest;
    const request: DeployRequest = { ...previous, mode: 'full-pr' };
    const state = freshState(id, request);
    Object.assign(state, reopened.artifacts as Patch);
    this.runner.recordRequest(id, request);
    this.deployments.update(id, { mode: 'full-pr' });
    const plan = planFor('full-pr', { fromReview: request.fromReview });
    return this.run(state, plan.slice(firstIncomplete(plan, reopened.completed)).map(stepNamed), signal, null, { retakeLock: true, priorMs });
  }

  /**
   * Discards a deployment that waits for review: its sandbox worktree and branch are removed,
   * the user's after-deploy hooks run, and the outcome is recorded (status `cancelled`, error code
   * DISCARDED: a person's decision, neither a success nor a failure of the change).
   */
  async discard(id: string, signal: AbortSignal = NEVER_ABORTED): Promise<DeploymentOutcome> {
    const { state, priorMs } = this.takeUpReview(id, 'discard');
    return this.run(state, [], signal, null, { retakeLock: false, priorMs, statusWhenDone: 'cancelled', discarded: true });
  }

  /**
   * "Run tests again" on a deployment that waits for review: the tests, the strategy's gates (no
   * repair, no model) and the credential scan on the sandbox as it is now, the user's edits
   * included; recorded as a `retest` step, the report rewritten. The deployment keeps waiting for
   * review whatever the result (also when cancelled); a passing check is what a later `ship`
   * commits without checking again.
   */
  async retest(id: string, signal: AbortSignal): Promise<ReviewCheckOutcome> {
    const { state, priorMs } = this.takeUpReview(id, 'retest');
    await this.requireSandbox(state);
    const started = this.runner.now();
    const outcome = await this.run(state, [reviewCheckStep], signal, null, { retakeLock: false, priorMs, statusWhenDone: 'awaiting-review', settle: () => 'awaiting-review' });
    const check = state.lastCheck && state.lastCheck.at >= started ? state.lastCheck : undefined;
    return {
      id,
      status: outcome.status,
      ok: Boolean(check?.ok) && outcome.error === null,
      changed: check?.changed ?? false,
      problems: check?.problems ?? (outcome.error ? [outcome.error.message] : []),
      tests: outcome.tests,
      failures: check ? (state.tests?.failures ?? []).slice(0, 50) : [],
      durationMs: this.runner.now() - started,
      worktree: outcome.worktree,
      report: outcome.report,
      error: outcome.error,
    };
  }

  /** A review-paused deployment taken up by this process (claimed atomically, so that two ships cannot both run). */
  private takeUpReview(id: string, action: 'ship' | 'discard' | 'retest'): { state: DeploymentState; priorMs: number } {
    const row = this.deployments.get(id);
    if (!row) {
      throw new DeployAgentError('DEPLOYMENT_NOT_FOUND', `There is no deployment ${id} in the history.`, 'Run `deploy-agent list` to see the deployments and their ids.');
    }
    if (row.status !== 'awaiting-review') {
      const hint =
        row.status === 'running'
          ? 'It is still running; wait for it to end.'
          : row.status === 'interrupted'
            ? `Its process died; continue it with \`deploy-agent resume ${id}\`.`
            : `Only a deployment that waits for review can be ${{ ship: 'shipped', discard: 'discarded', retest: 'tested again' }[action]}; start one with \`deploy-agent deploy FILE --mode review\`.`;
      throw new DeployAgentError('NOT_AWAITING_REVIEW', `Deployment ${id} is ${row.status}, not waiting for review.`, hint, { details: { status: row.status } });
    }
    const reopened = this.runner.reopen(id, { startAgainHint: START_AGAIN, canContinue: () => this.deployments.claim(id, 'awaiting-review', 'running') });
    const state = freshState(id, reopened.request as DeployRequest);
    Object.assign(state, reopened.artifacts as Patch);
    return { state, priorMs: row.durationMs ?? 0 };
  }

  /** Ship and retest work in the sandbox: a worktree removed behind Deploy Agent's back leaves the deployment waiting, with what to do. */
  private async requireSandbox(state: DeploymentState): Promise<void> {
    if (state.sandbox && state.repoRoot && (await this.options.ports.sandboxExists(state.repoRoot, state.sandbox))) return;
    this.deployments.update(state.id, { status: 'awaiting-review' });
    throw new DeployAgentError(
      'SANDBOX_GONE',
      `The sandbox worktree of deployment ${state.id}${state.sandbox ? ` (${state.sandbox.path})` : ''} is gone, so there is nothing to test or ship.`,
      `Discard it with \`deploy-agent discard ${state.id}\` and deploy the recommendation again.`,
    );
  }

  private async run(state: DeploymentState, steps: DeployStep[], signal: AbortSignal, resumedFrom: StepName | null, options: RunOptions): Promise<DeploymentOutcome> {
    const ports = this.options.ports;
    let report: DeploymentOutcome['report'] = null;
    const startedAt = this.runner.now();
    await ports.protectSecrets?.(state.request.workspaceDir, state.id);
    const fromReview = Boolean(state.request.fromReview);
    const end = await this.runner.run({
      state,
      steps,
      closing: learnStep,
      signal,
      mode: state.request.mode,
      resumedFrom,
      context: (base) => ({ ...base, ports, deployments: this.deployments, testRuns: this.testRuns }),
      prepare: options.retakeLock ? async (hold) => hold(await ports.acquireLock(state.repoRoot!, state.id, { wait: state.request.wait, signal }), REPOSITORY_LOCK) : undefined,
      // review mode pauses when its steps are done; a ship that stops before its commit goes back to waiting.
      statusWhenDone: options.statusWhenDone ?? (state.request.mode === 'review' ? 'awaiting-review' : undefined),
      settle: (reached, error) => {
        const status = options.settle ? options.settle(reached) : fromReview ? (reached !== 'succeeded' && reached !== 'rolled_back' && !state.commit ? 'awaiting-review' : reached) : reached;
        // Stopped before any model or test ran: a setup failure (or a refusal), kept apart from failed deployments.
        return status === 'failed' ? setupFailureStatus(this.options.db, state.id, error) ?? status : status;
      },
      recordEnd: async ({ status }) => {
        const row = this.deployments.get(state.id);
        if (options.priorMs !== undefined && row) {
          // A deployment's duration is its machine time: the runs before the review pause plus this one, not the hours it waited.
          this.deployments.update(state.id, { durationMs: options.priorMs + (this.runner.now() - startedAt) });
        }
        if (status === 'awaiting-review' && fromReview) {
          // Back to waiting: the deployment is again the review it was (a later ship records its own request).
          const { fromReview: _shipped, ...reviewRequest } = state.request;
          this.runner.recordRequest(state.id, { ...reviewRequest, mode: 'review' });
          this.deployments.update(state.id, { mode: 'review' });
        }
        if (options.discarded) this.deployments.update(state.id, { errorCode: 'DISCARDED', errorMessage: 'Discarded after review.' });
        // A deployment waiting for review has no outcome yet: learning, the breaker and the analytics see it once shipped or discarded.
        if (status !== 'awaiting-review') {
          try {
            await ports.recordOutcome({ deploymentId: state.id, status, goalReached: status === 'succeeded' });
          } catch (learnError) {
            state.warnings.push(`Recording the outcome failed: ${toEventError(learnError, NEVER_ABORTED).message}`);
          }
        }
        try {
          report = (await ports.writeReport(state.id)) ?? null;
        } catch (reportError) {
          state.warnings.push(`Writing the report failed: ${toEventError(reportError, NEVER_ABORTED).message}`);
        }
      },
    });
    return deploymentOutcome(state, this.deployments.get(state.id)!, { ...end, worktree: keptWorktree(state, end.status), report, resumedFrom });
  }

  private async rollBack(state: DeploymentState, why: string): Promise<DeploymentOutcome> {
    const ports = this.options.ports;
    const warnings: string[] = [];
    if (state.sandbox && state.repoRoot) {
      try {
        await ports.removeSandbox(state.repoRoot, state.sandbox, { deleteBranch: true });
      } catch (error) {
        warnings.push(`Removing the sandbox failed: ${toEventError(error, NEVER_ABORTED).message}`);
      }
    }
    const finishedAt = this.runner.now();
    const message = `Deployment ${state.id} could not be resumed because ${why}; it was rolled back.`;
    this.deployments.update(state.id, { status: 'rolled_back', finishedAt, branch: null, errorCode: 'RESUME_ROLLED_BACK', errorMessage: message });
    const error: EventError = { code: 'RESUME_ROLLED_BACK', message, hint: 'Start the deployment again with `deploy-agent deploy FILE`.' };
    try {
      await ports.recordOutcome({ deploymentId: state.id, status: 'rolled_back', goalReached: false });
    } catch {
      // recorded in the deployment row already
    }
    state.warnings.push(...warnings);
    const row = this.deployments.get(state.id)!;
    this.runner.emit({ type: 'deployment.finished', deploymentId: state.id, ts: finishedAt, status: 'rolled_back', goalReached: false, durationMs: 0, error });
    return deploymentOutcome(state, row, { status: 'rolled_back', error, worktree: null, report: null, resumedFrom: null });
  }
}

/** How one run of a deployment's steps ends and what it records (see `run`). */
interface RunOptions {
  retakeLock: boolean;
  /** The machine time of the earlier runs of a deployment continued after its review pause. */
  priorMs?: number;
  statusWhenDone?: FinalStatus;
  settle?(status: FinalStatus): FinalStatus;
  discarded?: boolean;
}

/** What "Run tests again" on a review-paused deployment found (`Orchestrator.retest`). */
export interface ReviewCheckOutcome {
  id: string;
  /** The deployment's status after the check: `awaiting-review`. */
  status: FinalStatus;
  /** The tests passed, the gates passed and no credentials were found: a ship commits this sandbox without checking again. */
  ok: boolean;
  /** The sandbox differed from the tree that last passed (the user edited it). */
  changed: boolean;
  /** What failed, one sentence each. */
  problems: string[];
  tests: TestCounts;
  failures: { name: string; message: string }[];
  durationMs: number;
  worktree: string | null;
  report: DeploymentOutcome['report'];
  /** The check itself could not run to its end (cancelled, a crash). */
  error: EventError | null;
}

export function newDeploymentId(): string {
  return randomBytes(4).toString('hex');
}

function stepNamed(name: StepName): DeployStep {
  if (name === 'learn') throw new Error('`learn` closes every run; it is in no plan.');
  return CODE_DEPLOYMENT_STEPS[name];
}
