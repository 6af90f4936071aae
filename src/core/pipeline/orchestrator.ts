import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { DeployAgentError } from '../errors';
import type { OmittedPart } from '../recommendation/fit';
import { startImpactProbe, type ImpactProbe } from '../report/system-impact';
import type { Recommendation } from '../recommendation/types';
import { isCancellation, throwIfAborted } from '../recovery/retry';
import { DeploymentsRepository, type DeploymentRow } from '../store/deployments';
import { EventsRepository, StepsRepository, TestRunsRepository } from '../store/steps';
import { PipelineEventBus, type EventError, type PipelineEvent, type StepName, type TestCounts } from './events';
import { ownerAlive, ownerOf, recordOwner } from './owner';
import { goalOf, planFor } from './plan';
import { withChoice, normalizeChoice } from './choice';
import type {
  ContextInfo,
  DeployMode,
  DeployRequest,
  LockHandle,
  PhaseOutcome,
  PipelinePorts,
  RecoveryRecord,
  RepoSnapshot,
  ReviewFindings,
  SandboxInfo,
  ShipPullRequest,
  ShipPush,
  StrategyLevers,
  TestRunOutcome,
} from './ports';

export type FinalStatus = 'succeeded' | 'failed' | 'cancelled' | 'rolled_back';

/** What a deployment ended with; the CLI's `--json` prints exactly these fields (and a few more). */
export interface DeploymentOutcome {
  id: string;
  status: FinalStatus;
  /** The mode's goal was reached (the CLI exits 0 only then). */
  goalReached: boolean;
  mode: DeployMode;
  goal: string;
  branch: string | null;
  commit: string | null;
  prUrl: string | null;
  tests: TestCounts;
  repairs: number;
  durationMs: number;
  /** The worktree, when kept for inspection. */
  worktree: string | null;
  report: { json?: string; markdown?: string } | null;
  resumedFrom: StepName | null;
  warnings: string[];
  error: EventError | null;
}

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

/** Everything a deployment has learnt so far; each step's contribution is persisted as its artifacts. */
interface DeploymentState {
  id: string;
  request: DeployRequest;
  recommendation?: Recommendation;
  /** Parts of a large recommendation left out of the prompts (stated in the report). */
  omitted?: OmittedPart[];
  warnings: string[];
  repoRoot?: string;
  before?: RepoSnapshot;
  circuit?: { state: string; forced: boolean };
  model?: { provider: string; model: string };
  context?: ContextInfo;
  levers?: StrategyLevers;
  sandbox?: SandboxInfo;
  treeAfterSandbox?: string;
  treeAfterImplement?: string;
  treeAfterTests?: string;
  treeAfterRepair?: string;
  filesWritten: string[];
  usage: { inputTokens: number; outputTokens: number; costUsd: number; provider?: string; model?: string };
  implementSummary?: string;
  tests?: TestRunOutcome;
  testRounds: number;
  repairs: number;
  review?: ReviewFindings;
  commit?: string;
  push?: ShipPush;
  pr?: ShipPullRequest;
}

type Patch = Partial<Omit<DeploymentState, 'id' | 'request'>>;

interface StepContext {
  signal: AbortSignal;
  stepId: number;
  progress(message: string, fraction?: number): void;
  log(level: 'debug' | 'info' | 'warn' | 'error', message: string): void;
}

const REQUEST_EVENT = 'request';

/**
 * Runs deployments: the steps of the flow in order, each persisted to SQLite as it starts and
 * ends, emitting typed events, honouring an AbortSignal; ends every deployment (succeeded,
 * failed, cancelled) with the sandbox removed (unless kept), the lock released, the outcome
 * recorded and the report written. `resume` continues an interrupted one from its last
 * completed step, or rolls it back when that is not possible.
 */
export class Orchestrator {
  readonly events: PipelineEventBus;
  private readonly deployments: DeploymentsRepository;
  private readonly steps: StepsRepository;
  private readonly eventLog: EventsRepository;
  private readonly testRuns: TestRunsRepository;
  private readonly now: () => number;
  private readonly pid: number;
  /** Set while a resumed deployment runs (steps then check for half-done work of the killed process). */
  private resuming = false;

  constructor(private readonly options: OrchestratorOptions) {
    this.events = options.events ?? new PipelineEventBus();
    this.deployments = new DeploymentsRepository(options.db);
    this.steps = new StepsRepository(options.db);
    this.eventLog = new EventsRepository(options.db);
    this.testRuns = new TestRunsRepository(options.db);
    this.now = options.now ?? Date.now;
    this.pid = options.pid ?? process.pid;
  }

  /** Starts a new deployment; resolves when it has ended (never rejects for a deployment failure: see `outcome.status`). */
  async deploy(request: DeployRequest, signal: AbortSignal): Promise<DeploymentOutcome> {
    // A choice naming a path outside the workspace is bad input: refused before anything is recorded.
    const choice = normalizeChoice(request.choice);
    const { choice: _given, ...rest } = request;
    const normalized: DeployRequest = {
      ...rest,
      recommendationFile: path.resolve(request.recommendationFile),
      workspaceDir: path.resolve(request.workspaceDir),
      ...(choice ? { choice } : {}),
    };
    const id = (this.options.newId ?? newDeploymentId)();
    const createdAt = this.now();
    this.deployments.insert({
      id,
      repoPath: normalized.workspaceDir,
      title: path.basename(normalized.recommendationFile),
      status: 'running',
      mode: normalized.mode,
      strategy: normalized.strategy,
      createdAt,
      startedAt: createdAt,
    });
    this.eventLog.insert(id, createdAt, REQUEST_EVENT, normalized);
    recordOwner(this.eventLog, id, this.pid, this.now());
    const state = freshState(id, normalized);
    return this.run(state, planFor(normalized.mode), 0, signal, null);
  }

  /**
   * Continues deployment `id` after its process died: from the first step of its plan that did
   * not complete. When the sandbox it needs is gone it is rolled back instead (sandbox and
   * branch removed, status `rolled_back`).
   */
  async resume(id: string, signal: AbortSignal): Promise<DeploymentOutcome> {
    const row = this.deployments.get(id);
    if (!row) {
      throw new DeployAgentError('DEPLOYMENT_NOT_FOUND', `There is no deployment ${id} in the history.`, 'Run `deploy-agent list` to see the deployments and their ids.');
    }
    const shippingRetry = row.status === 'failed' && Boolean(row.commitSha) && SHIPPING_STEPS.includes(this.steps.list(id).filter((s) => s.status === 'failed').at(-1)?.name as StepName);
    if (!['running', 'interrupted', 'pending'].includes(row.status) && !shippingRetry) {
      throw new DeployAgentError(
        'NOT_RESUMABLE',
        `Deployment ${id} already ended (${row.status}); there is nothing to resume.`,
        'Start a new deployment with `deploy-agent deploy FILE`.',
        { details: { status: row.status } },
      );
    }
    const owner = ownerOf(this.eventLog, id);
    if (row.status === 'running' && owner && owner.pid !== this.pid && ownerAlive(owner)) {
      throw new DeployAgentError(
        'DEPLOYMENT_STILL_RUNNING',
        `Deployment ${id} is still running in process ${owner.pid}.`,
        'Wait for it to end, or stop that process (Ctrl-C) and then resume.',
        { details: { pid: owner.pid } },
      );
    }
    const requestEvent = this.eventLog.latest(id, REQUEST_EVENT);
    if (!requestEvent) {
      throw new DeployAgentError('NOT_RESUMABLE', `Deployment ${id} has no recorded request, so it cannot be resumed.`, 'Start a new deployment with `deploy-agent deploy FILE`.');
    }
    const request = requestEvent.payload as DeployRequest;
    this.steps.markInterrupted(id, this.now());
    this.deployments.update(id, { status: 'running', finishedAt: null, errorCode: null, errorMessage: null });
    recordOwner(this.eventLog, id, this.pid, this.now());

    const state = freshState(id, request);
    const plan = planFor(request.mode);
    const completed = new Set<StepName>();
    for (const step of this.steps.list(id)) {
      if (step.status !== 'succeeded' && step.status !== 'skipped') continue;
      Object.assign(state, (step.artifacts ?? {}) as Patch);
      completed.add(step.name);
    }
    let from = plan.findIndex((name) => !completed.has(name));
    if (from < 0) from = plan.length; // everything done but `learn`
    const fromStep = plan[from] ?? 'learn';

    // What the remaining steps need from the outside world must still be there (push and the pull request need only the branch).
    if (state.sandbox && plan.slice(from).some((step) => !SHIPPING_STEPS.includes(step))) {
      const exists = await this.options.ports.sandboxExists(state.repoRoot!, state.sandbox);
      if (!exists) return this.rollBack(state, `its sandbox worktree ${state.sandbox.path} is gone`);
      const tree = latestTree(state);
      if (tree) await this.options.ports.restoreSandbox(state.sandbox, tree);
    }
    this.resuming = true;
    try {
      return await this.run(state, plan, from, signal, fromStep);
    } finally {
      this.resuming = false;
    }
  }

  private async run(state: DeploymentState, plan: StepName[], from: number, signal: AbortSignal, resumedFrom: StepName | null): Promise<DeploymentOutcome> {
    const startedAt = this.now();
    const impact = startImpactProbe();
    this.emit({ type: 'deployment.started', deploymentId: state.id, ts: startedAt, mode: state.request.mode, resumed: resumedFrom !== null, fromStep: plan[from] ?? 'learn' });
    let lock: LockHandle | undefined;
    let failure: unknown;
    try {
      // A resumed deployment past its safety step takes the repository's lock again first.
      if (from > plan.indexOf('safety') && state.repoRoot) {
        lock = await this.options.ports.acquireLock(state.repoRoot, state.id, { wait: state.request.wait, signal });
      }
      for (let i = from; i < plan.length; i++) {
        const name = plan[i]!;
        await this.runStep(state, name, signal, async (ctx) => {
          const result = await this.execute(name, state, ctx);
          if (typeof result === 'object' && 'lock' in result) {
            lock = result.lock;
            return result.patch;
          }
          return result as Patch | 'skipped' | undefined;
        });
      }
    } catch (error) {
      failure = error;
    }
    return this.finish(state, failure, signal, lock, resumedFrom, impact);
  }

  private async runStep(
    state: DeploymentState,
    name: StepName,
    signal: AbortSignal,
    body: (ctx: StepContext) => Promise<Patch | 'skipped' | undefined>,
  ): Promise<void> {
    const started = this.now();
    const stepId = this.steps.start(state.id, name, started);
    this.emit({ type: 'step.started', deploymentId: state.id, ts: started, step: name });
    this.options.onStepStarted?.(name, state.id);
    const ctx: StepContext = {
      signal,
      stepId,
      progress: (message, fraction) => this.emit({ type: 'step.progress', deploymentId: state.id, ts: this.now(), step: name, message, ...(fraction === undefined ? {} : { fraction }) }),
      log: (level, message) => this.emit({ type: 'log', deploymentId: state.id, ts: this.now(), level, message, step: name }),
    };
    try {
      throwIfAborted(signal);
      const result = await body(ctx);
      throwIfAborted(signal);
      const finished = this.now();
      if (result === 'skipped') {
        this.steps.finish(stepId, { status: 'skipped', at: finished });
        this.emit({ type: 'step.finished', deploymentId: state.id, ts: finished, step: name, status: 'skipped', durationMs: finished - started });
        return;
      }
      const patch = result ?? {};
      Object.assign(state, patch);
      this.steps.finish(stepId, { status: 'succeeded', at: finished, artifacts: patch });
      this.emit({ type: 'step.finished', deploymentId: state.id, ts: finished, step: name, status: 'succeeded', durationMs: finished - started, summary: summarize(name, state) });
    } catch (error) {
      const finished = this.now();
      const cancelled = isCancellation(error) || signal.aborted;
      const e = toEventError(error, signal);
      this.steps.finish(stepId, { status: cancelled ? 'cancelled' : 'failed', at: finished, errorCode: e.code, errorMessage: e.message });
      this.emit({ type: 'step.finished', deploymentId: state.id, ts: finished, step: name, status: cancelled ? 'cancelled' : 'failed', durationMs: finished - started, error: e });
      throw error;
    }
  }

  /** One step's work. Returns the state patch to persist, 'skipped', or (safety) the lock it took. */
  private async execute(name: StepName, state: DeploymentState, ctx: StepContext): Promise<Patch | 'skipped' | undefined | { lock: LockHandle; patch: Patch }> {
    const ports = this.options.ports;
    const request = state.request;
    switch (name) {
      case 'validate': {
        const { recommendation, warnings, omitted } = await ports.loadRecommendation(request.recommendationFile, ctx.signal);
        this.deployments.update(state.id, {
          title: recommendation.title,
          category: recommendation.category ?? null,
          recommendation: JSON.stringify(recommendation),
        });
        for (const warning of warnings) ctx.log('warn', warning);
        return { recommendation, warnings: [...state.warnings, ...warnings], ...(omitted?.length ? { omitted } : {}) };
      }
      case 'safety': {
        const repoRoot = await ports.repositoryRoot(request.workspaceDir);
        this.deployments.update(state.id, { repoPath: repoRoot });
        const circuit = await ports.checkCircuitBreaker(repoRoot, { deploymentId: state.id, forceReason: request.forceReason });
        if (circuit.forced) ctx.log('warn', `Circuit breaker is ${circuit.state}; overridden with --force (reason: ${request.forceReason}).`);
        ctx.progress('waiting for the repository lock');
        const lock = await ports.acquireLock(repoRoot, state.id, { wait: request.wait, signal: ctx.signal });
        try {
          ctx.progress('checking the model providers');
          const model = await ports.preflightModels(repoRoot, ctx.signal);
          const before = await ports.snapshotRepoState(repoRoot);
          return { lock, patch: { repoRoot, circuit, model, before } };
        } catch (error) {
          await lock.release();
          throw error;
        }
      }
      case 'context': {
        const context = await ports.gatherContext(state.repoRoot!, state.recommendation!, ctx.signal, (m) => ctx.progress(m));
        if (request.choice) withChoice(context, request.choice, state.repoRoot!);
        this.deployments.update(state.id, { environment: context.environment });
        const warnings = [...state.warnings];
        if (context.dataGaps.length) {
          const message = `The recommendation needs data the repository does not declare: ${context.dataGaps.join(', ')}.`;
          ctx.log('warn', message);
          warnings.push(message);
        }
        for (const left of context.omitted ?? []) warnings.push(`Left out of the prompt to fit the budget: ${left}`);
        for (const warning of context.warnings ?? []) {
          ctx.log('warn', warning);
          warnings.push(warning);
        }
        return { context, warnings };
      }
      case 'strategy': {
        const levers = await ports.decideStrategy({
          deploymentId: state.id,
          repoRoot: state.repoRoot!,
          choice: request.strategy,
          context: state.context!,
          recommendation: state.recommendation!,
          mode: request.mode,
        });
        this.deployments.update(state.id, { strategy: levers.name });
        ctx.log('info', `Strategy ${levers.name}: ${levers.reasons.join('; ') || 'no reasons given'}`);
        return { levers };
      }
      case 'sandbox': {
        if (this.resuming) await ports.discardPartialSandbox(state.repoRoot!, state.id);
        const sandbox = await ports.createSandbox(state.repoRoot!, { deploymentId: state.id, title: state.recommendation!.title, signal: ctx.signal });
        this.deployments.update(state.id, { branch: sandbox.branch });
        ctx.progress(`worktree ${sandbox.path} on ${sandbox.branch}`);
        const patch: Patch = { sandbox };
        if (ports.runPreHooks) {
          await ports.runPreHooks(sandbox, this.hookEnv(state, sandbox, 'running'), ctx.signal);
        }
        // A fresh worktree holds exactly its base commit (plus what pre-hooks wrote).
        patch.treeAfterSandbox = ports.runPreHooks ? await ports.snapshotSandbox(sandbox) : `${sandbox.baseSha}^{tree}`;
        return patch;
      }
      case 'implement':
      case 'write-tests': {
        const phase = name === 'implement' ? 'implement' : 'tests';
        const outcome = await ports.runPhase({
          phase,
          deploymentId: state.id,
          repoRoot: state.repoRoot!,
          recommendation: state.recommendation!,
          sandbox: state.sandbox!,
          context: state.context!,
          signal: ctx.signal,
          onText: (text) => this.emit({ type: 'model.output', deploymentId: state.id, ts: this.now(), phase, text }),
          onProgress: (m) => ctx.progress(m),
        });
        if (!outcome.ok) throw phaseFailed(phase, outcome);
        const tree = await ports.snapshotSandbox(state.sandbox!);
        const patch: Patch = { filesWritten: union(state.filesWritten, outcome.filesWritten), usage: addUsage(state.usage, outcome) };
        if (name === 'implement') {
          patch.treeAfterImplement = tree;
          patch.implementSummary = outcome.summary;
        } else {
          patch.treeAfterTests = tree;
        }
        return patch;
      }
      case 'run-tests': {
        const tests = await this.testRound(state, ctx, 0);
        return { tests, testRounds: 1 };
      }
      case 'repair': {
        let tests = state.tests!;
        if (!needsRepair(tests)) return 'skipped';
        const limit = state.levers?.repairRounds ?? 0;
        let repairs = 0;
        let usage = state.usage;
        let filesWritten = state.filesWritten;
        let rounds = state.testRounds;
        while (needsRepair(tests) && repairs < limit) {
          const pattern = ports.matchErrorPattern(tests.output || tests.error || '');
          const roundStarted = this.now();
          ctx.progress(`repair round ${repairs + 1} of ${limit}${pattern ? ` (pattern ${pattern.id})` : ''}`);
          const outcome = await ports.runPhase({
            phase: 'fix',
            deploymentId: state.id,
            repoRoot: state.repoRoot!,
            recommendation: state.recommendation!,
            sandbox: state.sandbox!,
            context: state.context!,
            failingOutput: tests.output || tests.error,
            errorPattern: pattern,
            signal: ctx.signal,
            onText: (text) => this.emit({ type: 'model.output', deploymentId: state.id, ts: this.now(), phase: 'fix', text }),
            onProgress: (m) => ctx.progress(m),
          });
          repairs++;
          usage = addUsage(usage, outcome);
          filesWritten = union(filesWritten, outcome.filesWritten);
          if (!outcome.ok) {
            ports.recordRecovery?.({ deploymentId: state.id, patternId: pattern?.id, action: 'fix', automatic: true, round: repairs, succeeded: false, durationMs: this.now() - roundStarted });
            throw phaseFailed('fix', outcome);
          }
          tests = await this.testRound(state, ctx, rounds);
          rounds++;
          ports.recordRecovery?.({ deploymentId: state.id, patternId: pattern?.id, action: 'fix', automatic: true, round: repairs, succeeded: !needsRepair(tests), durationMs: this.now() - roundStarted });
        }
        // Escalation: the rounds on one model left the tests failing; one more round on the next provider.
        const last = { provider: usage.provider, model: usage.model };
        if (needsRepair(tests) && repairs > 0 && last.provider && last.model && ports.canEscalate(state.repoRoot!, { provider: last.provider, model: last.model })) {
          const from = { provider: last.provider, model: last.model };
          const escalationStarted = this.now();
          const escalationPattern = ports.matchErrorPattern(tests.output || tests.error || '');
          ctx.progress(`escalating the repair from ${from.provider} (${from.model}) to the next provider`);
          const outcome = await ports.runPhase({
            phase: 'fix',
            deploymentId: state.id,
            repoRoot: state.repoRoot!,
            recommendation: state.recommendation!,
            sandbox: state.sandbox!,
            context: state.context!,
            failingOutput: tests.output || tests.error,
            errorPattern: escalationPattern,
            escalateFrom: from,
            signal: ctx.signal,
            onText: (text) => this.emit({ type: 'model.output', deploymentId: state.id, ts: this.now(), phase: 'fix', text }),
            onProgress: (m) => ctx.progress(m),
          });
          usage = addUsage(usage, outcome);
          if (outcome.ok) {
            repairs++;
            filesWritten = union(filesWritten, outcome.filesWritten);
            tests = await this.testRound(state, ctx, rounds);
            rounds++;
            ports.recordRecovery?.({ deploymentId: state.id, patternId: escalationPattern?.id, action: 'escalate', automatic: true, round: repairs, succeeded: !needsRepair(tests), durationMs: this.now() - escalationStarted });
          } else {
            ctx.log('warn', `Escalation was not possible: ${outcome.summary}`);
          }
        }
        const treeAfterRepair = await ports.snapshotSandbox(state.sandbox!);
        return { tests, repairs, usage, filesWritten, testRounds: rounds, treeAfterRepair };
      }
      case 'review': {
        this.assertTestsAcceptable(state.tests!, state);
        const gated = await this.qualityGates(state, ctx);
        const review = await ports.review(state.repoRoot!, state.sandbox!, state.before!);
        if (review.secrets.length) {
          throw new DeployAgentError(
            'CREDENTIALS_IN_CHANGE',
            `The change contains what looks like credentials: ${review.secrets.map((s) => `${s.path}${s.line ? `:${s.line}` : ''} (${s.kind})`).join(', ')}.`,
            'Nothing was committed. Move the secret to an environment variable or secret store and deploy again.',
            { details: { secrets: review.secrets } },
          );
        }
        if (review.outsideSandbox.length) {
          throw new DeployAgentError(
            'WRITE_OUTSIDE_SANDBOX',
            `Files outside the sandbox changed during the deployment: ${review.outsideSandbox.slice(0, 10).join(', ')}.`,
            'Nothing was committed. Check what else is writing to your working tree.',
            { details: { paths: review.outsideSandbox } },
          );
        }
        return { review, ...gated };
      }
      case 'commit': {
        // A process killed right after committing left the commit on the branch: take it, do not commit twice.
        const head = this.resuming ? await ports.sandboxHead(state.sandbox!) : state.sandbox!.baseSha;
        const sha = head !== state.sandbox!.baseSha ? head : (await ports.commit(state.sandbox!, { recommendation: state.recommendation!, deploymentId: state.id, summary: state.implementSummary ?? '' })).sha;
        this.deployments.update(state.id, { commitSha: sha });
        return { commit: sha };
      }
      case 'push': {
        const push = await ports.push(state.repoRoot!, state.sandbox!, ctx.signal);
        return { push };
      }
      case 'pull-request': {
        const pr = await ports.openPullRequest(state.repoRoot!, {
          deploymentId: state.id,
          sandbox: state.sandbox!,
          recommendation: state.recommendation!,
          draft: state.levers?.draftPr ?? false,
          signal: ctx.signal,
          body: {
            summary: state.implementSummary ?? '',
            tests: state.tests!.counts,
            repairs: state.repairs,
            strategy: state.levers!,
            filesWritten: state.filesWritten,
            model: state.usage,
          },
        });
        this.deployments.update(state.id, { prUrl: pr.url });
        return { pr };
      }
      case 'learn':
        return undefined;
    }
  }

  private async testRound(state: DeploymentState, ctx: StepContext, round: number): Promise<TestRunOutcome> {
    ctx.progress(round === 0 ? 'running the tests' : `re-running the tests (round ${round + 1})`);
    const tests = await this.options.ports.runTests(state.sandbox!, { context: state.context!, levers: state.levers!, filesWritten: state.filesWritten, signal: ctx.signal });
    this.testRuns.insert({
      deploymentId: state.id,
      stepId: ctx.stepId,
      framework: tests.framework ?? null,
      command: tests.command ?? null,
      passed: tests.counts.passed,
      failed: tests.counts.failed,
      skipped: tests.counts.skipped,
      durationMs: tests.durationMs,
      coverage: tests.coverage ?? null,
      output: tests.output.slice(0, 64 * 1024),
      createdAt: this.now(),
    });
    this.emit({
      type: 'test.result',
      deploymentId: state.id,
      ts: this.now(),
      round,
      counts: tests.counts,
      durationMs: tests.durationMs,
      failures: tests.failures.slice(0, 20),
      ...(tests.command ? { command: tests.command } : {}),
    });
    return tests;
  }

  /** The `learn` step: ends every deployment, whatever happened before. */
  private async finish(state: DeploymentState, failure: unknown, signal: AbortSignal, lock: LockHandle | undefined, resumedFrom: StepName | null, impact: ImpactProbe): Promise<DeploymentOutcome> {
    const ports = this.options.ports;
    const cancelled = failure !== undefined && (isCancellation(failure) || signal.aborted);
    let status: FinalStatus = failure === undefined ? 'succeeded' : cancelled ? 'cancelled' : 'failed';
    let error: EventError | null = failure === undefined ? null : toEventError(failure, signal);
    let worktree: string | null = null;
    let report: DeploymentOutcome['report'] = null;
    const cleanup = new AbortController().signal; // cleanup must run to the end even after a cancel

    try {
      await this.runStep(state, 'learn', cleanup, async (ctx) => {
        if (state.sandbox) {
          if (ports.runPostHooks) {
            try {
              await ports.runPostHooks(state.sandbox, this.hookEnv(state, state.sandbox, status), 'after-deploy', cleanup);
            } catch (hookError) {
              ctx.log('warn', `A post-deployment hook failed: ${toEventError(hookError, cleanup).message}`);
            }
            if (status === 'succeeded' && state.commit) {
              try {
                await ports.runPostHooks(state.sandbox, this.hookEnv(state, state.sandbox, status), 'after-ship', cleanup);
              } catch (hookError) {
                ctx.log('warn', `An after-ship hook failed: ${toEventError(hookError, cleanup).message}`);
              }
            }
          }
          if (state.request.keepWorktree) {
            worktree = state.sandbox.path;
            ctx.log('info', `Kept the worktree for inspection: ${state.sandbox.path} (branch ${state.sandbox.branch}).`);
          } else {
            // dry-run keeps nothing; otherwise a branch with a commit is kept (it is the result, or what a failed push leaves).
            const deleteBranch = state.request.mode === 'dry-run' || !state.commit;
            await ports.removeSandbox(state.repoRoot!, state.sandbox, { deleteBranch });
            if (deleteBranch) this.deployments.update(state.id, { branch: null });
          }
        }
        return undefined;
      });
    } catch (cleanupError) {
      if (status === 'succeeded') {
        status = 'failed';
        error = toEventError(cleanupError, cleanup);
      }
    }

    const finishedAt = this.now();
    const row = this.deployments.get(state.id);
    const durationMs = finishedAt - (row?.startedAt ?? row?.createdAt ?? finishedAt);
    this.deployments.update(state.id, {
      status,
      finishedAt,
      durationMs,
      errorCode: error?.code ?? null,
      errorMessage: error?.message ?? null,
    });

    // One record per run (a resumed deployment has one per process that worked on it).
    this.eventLog.insert(state.id, finishedAt, 'system.impact', impact.stop());
    try {
      await ports.recordOutcome({ deploymentId: state.id, status, goalReached: status === 'succeeded' });
    } catch (learnError) {
      state.warnings.push(`Recording the outcome failed: ${toEventError(learnError, cleanup).message}`);
    }
    try {
      report = (await ports.writeReport(state.id)) ?? null;
    } catch (reportError) {
      state.warnings.push(`Writing the report failed: ${toEventError(reportError, cleanup).message}`);
    }
    try {
      await lock?.release();
    } catch (lockError) {
      state.warnings.push(`Releasing the repository lock failed: ${toEventError(lockError, cleanup).message}`);
    }

    const outcome = this.outcome(state, this.deployments.get(state.id)!, status, error, worktree, report, resumedFrom);
    this.emit({ type: 'deployment.finished', deploymentId: state.id, ts: this.now(), status, goalReached: outcome.goalReached, durationMs, ...(error ? { error } : {}) });
    return outcome;
  }

  private async rollBack(state: DeploymentState, why: string): Promise<DeploymentOutcome> {
    const ports = this.options.ports;
    const warnings: string[] = [];
    if (state.sandbox && state.repoRoot) {
      try {
        await ports.removeSandbox(state.repoRoot, state.sandbox, { deleteBranch: true });
      } catch (error) {
        warnings.push(`Removing the sandbox failed: ${toEventError(error, new AbortController().signal).message}`);
      }
    }
    const finishedAt = this.now();
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
    this.emit({ type: 'deployment.finished', deploymentId: state.id, ts: finishedAt, status: 'rolled_back', goalReached: false, durationMs: 0, error });
    return this.outcome(state, row, 'rolled_back', error, null, null, null);
  }

  private outcome(
    state: DeploymentState,
    row: DeploymentRow,
    status: FinalStatus,
    error: EventError | null,
    worktree: string | null,
    report: DeploymentOutcome['report'],
    resumedFrom: StepName | null,
  ): DeploymentOutcome {
    return {
      id: state.id,
      status,
      goalReached: status === 'succeeded',
      mode: state.request.mode,
      goal: goalOf(state.request.mode),
      branch: row.branch,
      commit: row.commitSha,
      prUrl: row.prUrl,
      tests: state.tests?.counts ?? { passed: 0, failed: 0, skipped: 0 },
      repairs: state.repairs,
      durationMs: row.durationMs ?? 0,
      worktree,
      report,
      resumedFrom,
      warnings: state.warnings,
      error,
    };
  }

  /** Refuses tests that failed, did not run, or miss the coverage threshold (before the review, and again after a gate repair). */
  private assertTestsAcceptable(tests: TestRunOutcome, state: DeploymentState): void {
    if (tests.error) {
      throw new DeployAgentError('TESTS_DID_NOT_RUN', `The tests could not be run: ${tests.error}`, 'See the report for the test output; fix the test setup of the repository, then deploy again.');
    }
    if (tests.counts.failed > 0) {
      throw new DeployAgentError(
        'TESTS_FAILED',
        `${tests.counts.failed} test(s) still fail after ${state.repairs} repair round(s): ${tests.failures.map((f) => f.name).slice(0, 5).join(', ')}.`,
        'Run again with a strategy that allows more repair rounds (--strategy aggressive), or keep the worktree (--keep-worktree) and fix it by hand.',
        { details: { failures: tests.failures.slice(0, 20) } },
      );
    }
    if (tests.counts.passed === 0) {
      throw new DeployAgentError('NO_TESTS_RAN', 'No test passed: the generated tests were not found or not run.', 'Check the test framework the project profile detected (`deploy-agent analyze`).');
    }
    const threshold = state.levers?.coverageThreshold;
    if (threshold !== undefined && threshold > 0 && tests.coverage === undefined) {
      // A gate that cannot measure must not pass silently.
      throw new DeployAgentError(
        'COVERAGE_NOT_MEASURED',
        `A coverage threshold of ${threshold}% is configured, but coverage could not be measured: ${tests.coverageNote ?? 'the test run reported none'}.`,
        'Add the coverage tool the note names to the project (for example c8 for mocha, pytest-cov for pytest), or set deployAgent.pipeline.coverageThreshold to 0.',
      );
    }
    if (threshold !== undefined && tests.coverage !== undefined && tests.coverage < threshold) {
      throw new DeployAgentError('COVERAGE_BELOW_THRESHOLD', `Line coverage ${tests.coverage.toFixed(1)}% is below the required ${threshold}%.`, 'Lower the coverage threshold in the settings, or ask for more tests in the recommendation.');
    }
  }

  /**
   * The strategy's type-check and lint gates, after the tests passed and before the review. Problems
   * in the change are repaired like failing tests, within the strategy's repair rounds left over:
   * a fix round gets the problems as its failing output, then the tests and the gates run again.
   * Returns what the repairs changed (nothing when the gates passed at once).
   */
  private async qualityGates(state: DeploymentState, ctx: StepContext): Promise<Patch> {
    const ports = this.options.ports;
    const gates = { typecheck: Boolean(state.levers?.typecheckGate), lint: Boolean(state.levers?.lintGate) };
    if (!ports.runQualityGates || (!gates.typecheck && !gates.lint)) return {};
    const limit = state.levers?.repairRounds ?? 0;
    let current = state;
    let patch: Patch = {};
    let lastRound: { patternId: string | undefined; started: number; answered: RecoveryRecord['answered'] } | undefined;
    for (;;) {
      ctx.progress(`running the ${[gates.typecheck && 'type check', gates.lint && 'linter'].filter(Boolean).join(' and ')} on the change`);
      const results = await ports.runQualityGates(current.sandbox!, { repoRoot: current.repoRoot!, gates, filesWritten: current.filesWritten, timeLimitMs: current.levers?.timeLimitMs ?? 600_000, signal: ctx.signal });
      for (const r of results) {
        const { output, ...summary } = r;
        this.eventLog.insert(current.id, this.now(), 'quality.gate', { ...summary, output: output.slice(-4000) });
        if (r.skipped) ctx.log('info', `${r.gate} gate skipped: ${r.skipped}.`);
        else if (r.preexisting) ctx.log('warn', `${r.command}: ${r.preexisting} problem(s) in files this deployment did not touch (not held against it).`);
      }
      const failed = results.filter((r) => !r.ok);
      if (lastRound) {
        ports.recordRecovery?.({ deploymentId: current.id, patternId: lastRound.patternId, action: 'fix', automatic: true, round: current.repairs, answered: lastRound.answered, succeeded: !failed.length, durationMs: this.now() - lastRound.started });
      }
      if (!failed.length) return patch;
      const problems = failed.map((r) => `${r.command} found ${r.problems.length} problem(s) in the change: ${r.problems.slice(0, 5).join('; ')}`).join('. ');
      if (current.repairs >= limit) {
        throw new DeployAgentError(
          'QUALITY_GATE_FAILED',
          limit > 0 ? `${problems} (after ${current.repairs} of ${limit} repair round(s)).` : problems,
          `Keep the worktree (--keep-worktree) and fix them, allow more repair rounds, or turn the gate off for the strategy (deployAgent.strategy.levers: { "${current.levers?.name}": { "${failed[0]!.gate}Gate": false } }).`,
          { details: { gates: failed.map(({ output: _output, ...rest }) => rest) } },
        );
      }
      const failingOutput = failed.map((r) => `${r.command} found these problems in files of the change:\n${r.problems.join('\n')}`).join('\n\n');
      const pattern = ports.matchErrorPattern(failingOutput);
      const gatesFailed = failed.map((r) => r.gate);
      lastRound = { patternId: pattern?.id, started: this.now(), answered: gatesFailed.length > 1 ? 'typecheck and lint' : gatesFailed[0] };
      ctx.progress(`repair round ${current.repairs + 1} of ${limit}: ${failed.map((r) => r.gate).join(' and ')} problems`);
      const outcome = await ports.runPhase({
        phase: 'fix',
        deploymentId: current.id,
        repoRoot: current.repoRoot!,
        recommendation: current.recommendation!,
        sandbox: current.sandbox!,
        context: current.context!,
        failingOutput,
        errorPattern: pattern,
        signal: ctx.signal,
        onText: (text) => this.emit({ type: 'model.output', deploymentId: current.id, ts: this.now(), phase: 'fix', text }),
        onProgress: (m) => ctx.progress(m),
      });
      if (!outcome.ok) {
        ports.recordRecovery?.({ deploymentId: current.id, patternId: pattern?.id, action: 'fix', automatic: true, round: current.repairs + 1, answered: lastRound.answered, succeeded: false, durationMs: this.now() - lastRound.started });
        throw phaseFailed('fix', outcome);
      }
      current = { ...current, repairs: current.repairs + 1, usage: addUsage(current.usage, outcome), filesWritten: union(current.filesWritten, outcome.filesWritten) };
      const tests = await this.testRound(current, ctx, current.testRounds);
      current = { ...current, tests, testRounds: current.testRounds + 1 };
      patch = { repairs: current.repairs, usage: current.usage, filesWritten: current.filesWritten, tests, testRounds: current.testRounds };
      // The fix must not break what passed: the tests are held to the same bar as before the gates.
      this.assertTestsAcceptable(tests, current);
    }
  }

  private hookEnv(state: DeploymentState, sandbox: SandboxInfo, status: string): Record<string, string> {
    return { DEPLOY_AGENT_DEPLOYMENT_ID: state.id, DEPLOY_AGENT_BRANCH: sandbox.branch, DEPLOY_AGENT_STATUS: status, DEPLOY_AGENT_MODE: state.request.mode };
  }

  private emit(event: PipelineEvent): void {
    if (event.type !== 'model.output') {
      const { type, deploymentId, ts, ...payload } = event;
      this.eventLog.insert(deploymentId, ts, type, payload);
    }
    this.events.emit(event);
  }
}

/** Steps that work from the branch alone (no worktree): a failed push or pull request can be retried with `resume`. */
const SHIPPING_STEPS: readonly StepName[] = ['push', 'pull-request'];

export function newDeploymentId(): string {
  return randomBytes(4).toString('hex');
}

function freshState(id: string, request: DeployRequest): DeploymentState {
  return { id, request, warnings: [], filesWritten: [], usage: { inputTokens: 0, outputTokens: 0, costUsd: 0 }, testRounds: 0, repairs: 0 };
}

/** The sandbox content to go back to when resuming: the one recorded by the last completed step that wrote files. */
function latestTree(state: DeploymentState): string | undefined {
  return state.treeAfterRepair ?? state.treeAfterTests ?? state.treeAfterImplement ?? state.treeAfterSandbox;
}

function needsRepair(tests: TestRunOutcome): boolean {
  return tests.counts.failed > 0 || Boolean(tests.error);
}

function union(a: string[], b: string[]): string[] {
  return [...new Set([...a, ...b])];
}

function addUsage(usage: DeploymentState['usage'], outcome: PhaseOutcome): DeploymentState['usage'] {
  return {
    inputTokens: usage.inputTokens + outcome.inputTokens,
    outputTokens: usage.outputTokens + outcome.outputTokens,
    costUsd: usage.costUsd + outcome.costUsd,
    provider: outcome.provider ?? usage.provider,
    model: outcome.model ?? usage.model,
  };
}

function phaseFailed(phase: string, outcome: PhaseOutcome): DeployAgentError {
  return new DeployAgentError(
    'AGENT_PHASE_FAILED',
    `The model could not complete the ${phase} phase${outcome.reason ? ` (${outcome.reason})` : ''}: ${outcome.summary}`,
    'See the transcript in the report; try another model or provider (`deploy-agent ai check`), or simplify the recommendation.',
    { details: { phase, reason: outcome.reason, provider: outcome.provider, model: outcome.model } },
  );
}

function toEventError(error: unknown, signal: AbortSignal): EventError {
  if (error instanceof DeployAgentError) return { code: error.code, message: error.message, hint: error.hint };
  if (signal.aborted) return { code: 'CANCELLED', message: 'Cancelled.', hint: 'Nothing was left half-done; run the command again when ready.' };
  return { code: 'UNEXPECTED', message: (error as Error)?.message ?? String(error), hint: 'This is a bug in Deploy Agent; please report it with `deploy-agent diagnostics --json`.' };
}

function summarize(name: StepName, state: DeploymentState): string | undefined {
  switch (name) {
    case 'validate':
      return state.recommendation?.title;
    case 'strategy':
      return state.levers ? `${state.levers.name}: ${state.levers.repairRounds} repair round(s), tests ${state.levers.testScope}` : undefined;
    case 'sandbox':
      return state.sandbox?.branch;
    case 'implement':
    case 'write-tests':
      return `${state.filesWritten.length} file(s) written so far`;
    case 'run-tests':
    case 'repair': {
      const c = state.tests?.counts;
      return c ? `${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped${name === 'repair' ? ` after ${state.repairs} repair(s)` : ''}` : undefined;
    }
    case 'commit':
      return state.commit?.slice(0, 12);
    case 'push':
      return state.push ? `${state.push.remote}/${state.push.branch}` : undefined;
    case 'pull-request':
      return state.pr?.url;
    default:
      return undefined;
  }
}
