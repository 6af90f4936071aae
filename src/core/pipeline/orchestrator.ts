import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type Database from 'better-sqlite3';
import type { EventError, StepName } from '../deployment/events';
import { toEventError } from '../flow/event-error';
import { firstIncomplete, StepRunner } from '../flow/step-runner';
import { DeploymentsRepository } from '../store/deployments';
import { TestRunsRepository } from '../store/steps';
import { freshState, latestTree, type DeployStep, type DeploymentState, type Patch } from './deployment-state';
import { PipelineEventBus } from './events';
import { deploymentOutcome, type DeploymentOutcome } from './outcome';
import { planFor } from './plan';
import type { DeployRequest, PipelinePorts } from './ports';
import { CODE_DEPLOYMENT_STEPS, keptWorktree, learnStep, REPOSITORY_LOCK } from './steps';

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
    const normalized: DeployRequest = {
      ...request,
      recommendationFile: path.resolve(request.recommendationFile),
      workspaceDir: path.resolve(request.workspaceDir),
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
    return this.run(freshState(id, normalized), planFor(normalized.mode), signal, null, false);
  }

  /**
   * Continues deployment `id` after its process died: from the first step of its plan that did
   * not complete. When the sandbox it needs is gone it is rolled back instead (sandbox and
   * branch removed, status `rolled_back`).
   */
  async resume(id: string, signal: AbortSignal): Promise<DeploymentOutcome> {
    const reopened = this.runner.reopen(id, {
      startAgainHint: START_AGAIN,
      // A failed push or pull request on a committed branch can be retried.
      canContinue: (row, steps) => row.status === 'failed' && Boolean(row.commitSha) && SHIPPING_STEPS.includes(steps.filter((s) => s.status === 'failed').at(-1)?.name as StepName),
    });
    const request = reopened.request as DeployRequest;
    const state = freshState(id, request);
    Object.assign(state, reopened.artifacts as Patch);
    const plan = planFor(request.mode);
    const from = firstIncomplete(plan, reopened.completed);
    const fromStep = plan[from] ?? 'learn';

    // What the remaining steps need from the outside world must still be there (push and the pull request need only the branch).
    if (state.sandbox && plan.slice(from).some((step) => !SHIPPING_STEPS.includes(step))) {
      const exists = await this.options.ports.sandboxExists(state.repoRoot!, state.sandbox);
      if (!exists) return this.rollBack(state, `its sandbox worktree ${state.sandbox.path} is gone`);
      const tree = latestTree(state);
      if (tree) await this.options.ports.restoreSandbox(state.sandbox, tree);
    }
    // A resumed deployment past its safety step takes the repository's lock again first.
    const retakeLock = from > plan.indexOf('safety') && Boolean(state.repoRoot);
    return this.run(state, plan.slice(from), signal, fromStep, retakeLock);
  }

  private async run(state: DeploymentState, plan: StepName[], signal: AbortSignal, resumedFrom: StepName | null, retakeLock: boolean): Promise<DeploymentOutcome> {
    const ports = this.options.ports;
    let report: DeploymentOutcome['report'] = null;
    await ports.protectSecrets?.(state.request.workspaceDir, state.id);
    const end = await this.runner.run({
      state,
      steps: plan.map(stepNamed),
      closing: learnStep,
      signal,
      mode: state.request.mode,
      resumedFrom,
      context: (base) => ({ ...base, ports, deployments: this.deployments, testRuns: this.testRuns }),
      prepare: retakeLock ? async (hold) => hold(await ports.acquireLock(state.repoRoot!, state.id, { wait: state.request.wait, signal }), REPOSITORY_LOCK) : undefined,
      recordEnd: async ({ status }) => {
        try {
          await ports.recordOutcome({ deploymentId: state.id, status, goalReached: status === 'succeeded' });
        } catch (learnError) {
          state.warnings.push(`Recording the outcome failed: ${toEventError(learnError, NEVER_ABORTED).message}`);
        }
        try {
          report = (await ports.writeReport(state.id)) ?? null;
        } catch (reportError) {
          state.warnings.push(`Writing the report failed: ${toEventError(reportError, NEVER_ABORTED).message}`);
        }
      },
    });
    return deploymentOutcome(state, this.deployments.get(state.id)!, { ...end, worktree: keptWorktree(state), report, resumedFrom });
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

export function newDeploymentId(): string {
  return randomBytes(4).toString('hex');
}

function stepNamed(name: StepName): DeployStep {
  if (name === 'learn') throw new Error('`learn` closes every run; it is in no plan.');
  return CODE_DEPLOYMENT_STEPS[name];
}
