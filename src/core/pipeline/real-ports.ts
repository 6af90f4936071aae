import { budgetFromConfig, checkProviders, createModelRouter, type DeploymentBudget, type ModelRouter, type ModelRouterOptions, type PhaseContext, type ProviderName } from '../ai';
import { DeployAgentError } from '../errors';
import type { HistoryStore } from '../store/database';
import type { MetricsReading } from '../strategy/types';
import type { ContextInfo, PhaseInput, PhaseOutcome, PipelinePorts } from './ports';
import { checkCircuitBreaker, circuitSettingsFrom } from './circuit-breaker';
import { ANALYSIS_PROMPT_TOKENS, gatherDeploymentContext } from './context';
import { decideStrategyForDeployment } from './strategy-step';
import { matchErrorPattern } from '../recovery/error-patterns';
import { EventsRepository } from '../store/steps';
import { recordOutcome as recordLearnedOutcome, recordRecovery as recordLearnedRecovery } from '../learning';
import { chooseConfinement, detectConfinementTool, sandboxConfinement, type ChosenConfinement, type Confinement } from '../confinement';
import { hookEnvironment, runHooks, type HookRun, type HookStage } from './hooks';
import { recordProcessGroups, stopLeftoverProcesses } from './leftover-processes';
import { acquireRepositoryLock } from './lock';
import { openPullRequest } from '../git/pull-request';
import { loadFittedRecommendation } from '../recommendation/fit';
import { writeReport } from '../report/write-report';
import { snapshotRepoState } from '../sandbox/repo-state';
import { guardUserFiles } from '../sandbox/user-files';
import { repositoryRootOf } from '../sandbox/workspace';
import { joinParts, sentence } from './outcome-message';
import * as sandboxWorktree from '../sandbox/worktree';
import { commit as commitChanges, push as pushBranch, review as reviewChanges, unifiedDiff } from '../git/ship';
import { discardPartialSandbox, restoreSandboxTree, sandboxHead, snapshotSandboxTree } from '../sandbox/sandbox-state';
import { runSandboxTests } from '../testing/pipeline-port';
import { runQualityGates } from '../testing/quality-gates';
import { gatherSecrets } from '../security/gather';
import { secretRegistry } from '../security/registry';
import { shippedFiles } from '../git/shipped-files';
import { GeneratedFilesRepository } from '../store/generated-files';
import { plural } from '../plural';

export interface ConfigReader {
  get<T>(key: string): T;
}

export interface RealPortsOptions {
  store: HistoryStore;
  env: NodeJS.ProcessEnv;
  /** Settings for a workspace (CLI: ctx.config, extension: its resolver with the editor's values). */
  config(workspaceDir: string): ConfigReader;
  /** The background sampler's newest reading for a repository (the extension runs one; the CLI reads the machine once). */
  latestMetrics?(repoRoot: string): MetricsReading | undefined;
  /** Wraps the model providers of every router (the eval suite records or replays what models answer). */
  wrapProvider?: ModelRouterOptions['wrapProvider'];
  /**
   * A GitHub token asked for only when a push is about to happen (VS Code's GitHub sign-in); it
   * throws with what to do when the user declines, and then nothing is pushed. Without it the
   * pull request takes GITHUB_TOKEN from `env` (the CLI).
   */
  githubToken?(): Promise<string>;
}

/**
 * The pipeline's ports backed by the real modules of every area: analysis, agent (router and
 * agent loop), strategy and learning, sandbox, testing, recovery, git and GitHub, report.
 */
export function createRealPorts(options: RealPortsOptions): PipelinePorts {
  // The user's configuration (their working copy's .deploy-agent/config.json and settings), read
  // once per repository and kept for the whole deployment. The safety step reads it first, before
  // the sandbox exists; nothing is ever read from the sandbox, where the model writes (a model
  // that writes .deploy-agent/config.json there changes nothing: the review flags the file).
  const snapshots = new Map<string, ConfigReader>();
  const configOf = (repoRoot: string): ConfigReader => {
    let config = snapshots.get(repoRoot);
    if (!config) snapshots.set(repoRoot, (config = options.config(repoRoot)));
    return config;
  };
  // How model-written code runs (tests, gates, hooks, installs): chosen once per repository.
  const confinements = new Map<string, Promise<ChosenConfinement>>();
  const confinementOf = (repoRoot: string): Promise<ChosenConfinement> => {
    let chosen = confinements.get(repoRoot);
    if (!chosen) {
      const config = configOf(repoRoot);
      chosen = detectConfinementTool(options.env).then((tool) => chooseConfinement(tool, { allowUnconfined: config.get<boolean>('pipeline.allowUnconfinedTests'), network: config.get<boolean>('pipeline.testNetwork') }));
      confinements.set(repoRoot, chosen);
    }
    return chosen;
  };
  const confinementFor = async (repoRoot: string, sandboxPath: string, network: boolean): Promise<Confinement> => {
    const chosen = await confinementOf(repoRoot);
    return sandboxConfinement({ kind: chosen.kind, ...(chosen.tool ? { tool: chosen.tool } : {}), sandboxDir: sandboxPath, repoRoot, network, env: options.env });
  };
  // User files a guard put back, per repository: the review names them (they no longer differ).
  const restoredOutside = new Map<string, string[]>();
  const routers = new Map<string, { router: ModelRouter; config: ConfigReader }>();
  const budgets = new Map<string, DeploymentBudget>();
  const routerFor = (workspaceDir: string) => {
    let entry = routers.get(workspaceDir);
    if (!entry) {
      const config = configOf(workspaceDir);
      entry = { router: createModelRouter({ config, store: options.store, env: options.env, repoKey: workspaceDir, ...(options.wrapProvider ? { wrapProvider: options.wrapProvider } : {}) }), config };
      routers.set(workspaceDir, entry);
    }
    return entry;
  };
  const budgetFor = (deploymentId: string, config: ConfigReader) => {
    let budget = budgets.get(deploymentId);
    if (!budget) budgets.set(deploymentId, (budget = budgetFromConfig(config)));
    return budget;
  };

  // The GitHub token, asked for once, right before the first push (a refusal asks again next time).
  let githubAsked: Promise<string> | undefined;
  const githubEnv = async (): Promise<NodeJS.ProcessEnv> => {
    if (!options.githubToken) return options.env;
    const asking = (githubAsked ??= options.githubToken());
    try {
      const token = await asking;
      secretRegistry.add([{ name: 'GITHUB_TOKEN', value: token }]);
      return { ...options.env, GITHUB_TOKEN: token };
    } catch (error) {
      githubAsked = undefined;
      throw error;
    }
  };

  // One prepared statement for every event the ports record (hook runs, recoveries, retraining).
  const events = new EventsRepository(options.store.db);

  // Hooks come from the user's configuration (the snapshot), run in the worktree with a scrubbed environment.
  const hookRunner = async (stage: HookStage, repoRoot: string, sandboxPath: string, deployment: Record<string, string>, signal: AbortSignal): Promise<HookRun[]> => {
    const config = configOf(repoRoot);
    const key = stage === 'before-deploy' ? 'hooks.beforeDeploy' : stage === 'after-deploy' ? 'hooks.afterDeploy' : 'hooks.afterShip';
    const commands = config.get<string[]>(key);
    if (!commands.length) return [];
    const env = hookEnvironment(options.env, deployment);
    // A hook runs in the sandbox, among the files the model wrote: confined like the tests.
    const confinement = await confinementFor(repoRoot, sandboxPath, config.get<boolean>('hooks.network'));
    const record = (runs: HookRun[]) => {
      for (const run of runs) events.insert(deployment.DEPLOY_AGENT_DEPLOYMENT_ID!, Date.now(), 'hook.run', run);
    };
    try {
      const watch = recordProcessGroups(options.store.db, deployment.DEPLOY_AGENT_DEPLOYMENT_ID!, sandboxPath);
      const runs = await runHooks({ stage, commands, cwd: sandboxPath, env, confinement, watch, timeoutMs: config.get<number>('hooks.timeoutMs'), signal });
      record(runs);
      const failed = runs.filter((r) => r.exitCode !== 0);
      if (failed.length) throw new DeployAgentError('HOOK_FAILED', `${plural(failed.length, `${stage} hook`)} failed: ${failed.map((r) => `\`${r.command}\``).join(', ')}.`, 'See the hook output in the report.');
      return runs;
    } catch (error) {
      const runs = (error as DeployAgentError).details?.runs as HookRun[] | undefined;
      if (runs) record(runs);
      throw error;
    }
  };

  return {
    protectSecrets: async (workspaceDir, deploymentId) => {
      const gathered = await gatherSecrets({ env: options.env, repoDir: workspaceDir });
      secretRegistry.add(gathered.values);
      // Which files were treated as secret (names only): the report and `events` say so.
      events.insert(deploymentId, Date.now(), 'secrets.gathered', { files: gathered.files, values: new Set(gathered.values.map((v) => v.value)).size, skipped: gathered.skipped });
    },
    loadRecommendation: (file) => loadFittedRecommendation(file),
    runPreHooks: (repoRoot, sandbox, env, signal) => hookRunner('before-deploy', repoRoot, sandbox.path, env, signal),
    runPostHooks: (repoRoot, sandbox, env, stage, signal) => hookRunner(stage, repoRoot, sandbox.path, env, signal),
    repositoryRoot: (workspaceDir) => repositoryRootOf(workspaceDir),
    snapshotRepoState: (repoRoot) => snapshotRepoState(repoRoot),
    acquireLock: (repoRoot, deploymentId, o) => acquireRepositoryLock(repoRoot, deploymentId, o),
    checkConfinement: async (repoRoot) => {
      const { kind, description } = await confinementOf(repoRoot);
      return { kind, description };
    },
    checkCircuitBreaker: async (repoRoot, input) => checkCircuitBreaker(options.store.db, repoRoot, input, circuitSettingsFrom(configOf(repoRoot))),
    preflightModels: async (workspaceDir, signal) => {
      const { router } = routerFor(workspaceDir);
      const check = await checkProviders(router, { signal });
      if (!check.ok) {
        // Each provider's reason is a sentence of its own: joined without their full stops ("…failed).; …configured.." before).
        const why = joinParts(check.providers.map((p) => `${p.provider}: ${p.reason ?? Object.values(p.phases).find((ph) => ph.problem)?.problem ?? 'not ready'}`));
        const hint = check.providers.map((p) => p.hint && sentence(p.hint)).filter(Boolean).join(' ') || 'Run `deploy-agent ai check` for details.';
        throw new DeployAgentError('NO_MODEL_AVAILABLE', `No model provider can serve the deployment: ${why}`, hint, { details: { providers: check.providers } });
      }
      const ready = check.providers.find((p) => p.reachable && Object.values(p.phases).every((ph) => ph.ready)) ?? check.providers.find((p) => p.reachable)!;
      return { provider: ready.provider, model: ready.phases.implement.model };
    },
    gatherContext: (repoRoot, recommendation, signal, onProgress) =>
      gatherDeploymentContext({ repoRoot, recommendation, store: options.store, env: options.env, config: configOf(repoRoot), signal, onProgress, ...(options.latestMetrics ? { latestMetrics: options.latestMetrics } : {}) }),
    warmUpModels: async (repoRoot, input) => {
      const { warmUpFirstModel } = await import('../ai/warm-up');
      return warmUpFirstModel(routerFor(repoRoot).router, { ...input, contextAllowance: ANALYSIS_PROMPT_TOKENS });
    },
    decideStrategy: async (input) => decideStrategyForDeployment(options.store, configOf(input.repoRoot), input),
    createSandbox: (repoRoot, input) => sandboxWorktree.createSandbox(repoRoot, input),
    sandboxExists: (repoRoot, sandbox) => sandboxWorktree.sandboxExists(repoRoot, sandbox),
    snapshotSandbox: (sandbox) => snapshotSandboxTree(sandbox.path),
    restoreSandbox: (sandbox, tree) => restoreSandboxTree(sandbox.path, tree),
    removeSandbox: (repoRoot, sandbox, o) => sandboxWorktree.removeSandbox(repoRoot, sandbox, o),
    discardPartialSandbox: (repoRoot, deploymentId) => discardPartialSandbox(repoRoot, deploymentId),
    sandboxHead: (sandbox) => sandboxHead(sandbox.path),
    runPhase: async (input: PhaseInput): Promise<PhaseOutcome> => {
      const { runAgentPhase } = await import('../ai');
      const { router, config } = routerFor(input.repoRoot);
      const result = await runAgentPhase({
        phase: input.phase,
        sandboxDir: input.sandbox.path,
        context: phaseContext(input),
        router,
        budget: budgetFor(input.deploymentId, config),
        deploymentId: input.deploymentId,
        signal: input.signal,
        ...(input.escalateFrom
          ? { escalate: { from: input.escalateFrom as { provider: ProviderName; model: string }, reason: 'tests_still_failing' as const, detail: (input.failingOutput ?? '').slice(0, 2000) } }
          : {}),
        onEvent: (event) => {
          if (event.type === 'text') input.onText?.(event.delta);
          else if (event.type === 'file-written') input.onProgress?.(`wrote ${event.path}`);
          else if (event.type === 'fallback') input.onProgress?.(`falling back from ${event.from} to ${event.to}: ${event.reason}`);
          else if (event.type === 'retry') input.onProgress?.(`retrying ${event.provider} (attempt ${event.attempt}) in ${event.delayMs} ms`);
          else if (event.type === 'model-load') input.onProgress?.(`${event.kind === 'load' ? 'loading' : 'using the loaded'} ${event.model}: ${event.reason}`);
          else if (event.type === 'tool-call') input.onToolCall?.({ name: event.name, ok: event.ok, ...(event.path ? { path: event.path } : {}), ...(event.error ? { error: event.error.slice(0, 500) } : {}) });
          else if (event.type === 'model-call')
            input.onModelCall?.({
              provider: event.provider,
              model: event.model,
              inputTokens: event.usage.inputTokens,
              outputTokens: event.usage.outputTokens,
              ...(event.usage.cacheReadTokens ? { cacheReadTokens: event.usage.cacheReadTokens } : {}),
              ...(event.usage.cacheWriteTokens ? { cacheWriteTokens: event.usage.cacheWriteTokens } : {}),
              costUsd: event.costUsd,
              cached: event.cached,
              durationMs: event.durationMs,
            });
        },
      });
      if (result.status === 'cancelled') throw new DeployAgentError('CANCELLED', 'Cancelled.', 'Nothing was left half-done; run the command again when ready.');
      return {
        ok: result.status === 'succeeded',
        summary: result.summary,
        filesWritten: result.filesWritten,
        ...(result.reason ? { reason: result.reason } : {}),
        ...(result.provider ? { provider: result.provider } : {}),
        ...(result.model ? { model: result.model } : {}),
        inputTokens: result.usage.inputTokens,
        outputTokens: result.usage.outputTokens,
        cacheReadTokens: result.usage.cacheReadTokens ?? 0,
        cacheWriteTokens: result.usage.cacheWriteTokens ?? 0,
        costUsd: result.usage.costUsd,
      };
    },
    deploymentConfig: {
      baseline: async (sandbox, recommendation) => (await import('../configgen/pipeline-port')).writeBaseline(sandbox.path, recommendation),
      check: async (sandbox, input) => (await import('../configgen/pipeline-port')).checkSandboxConfig(sandbox.path, { repoRoot: input.repoRoot, filesWritten: input.filesWritten, env: options.env }),
      adaptWithModel: (repoRoot) => configOf(repoRoot).get<boolean>('configgen.adaptWithModel') !== false,
    },
    runTests: async (sandbox, input) => {
      const confinement = await confinementFor(input.repoRoot, sandbox.path, configOf(input.repoRoot).get<boolean>('pipeline.testNetwork'));
      return runSandboxTests(sandbox.path, { ...input, env: options.env, confinement, watch: recordProcessGroups(options.store.db, input.deploymentId, sandbox.path) });
    },
    runQualityGates: async (sandbox, input) => {
      const confinement = await confinementFor(input.repoRoot, sandbox.path, configOf(input.repoRoot).get<boolean>('pipeline.testNetwork'));
      const watch = recordProcessGroups(options.store.db, input.deploymentId, sandbox.path);
      return runQualityGates({ sandboxDir: sandbox.path, repoRoot: input.repoRoot, gates: input.gates, filesWritten: input.filesWritten, env: options.env, timeLimitMs: input.timeLimitMs, signal: input.signal, confinement, watch });
    },
    matchErrorPattern: (output) => matchErrorPattern(output),
    // Which recovery worked for which error pattern: one `recovery` event per repair round.
    recordRecovery: (record) => {
      const { deploymentId, ...payload } = record;
      events.insert(deploymentId, Date.now(), 'recovery', payload);
      recordLearnedRecovery(options.store, {
        deploymentId,
        patternId: record.patternId ?? null,
        action: record.action === 'escalate' ? 'escalated-repair' : 'repair',
        automatic: record.automatic,
        recoveredMs: record.succeeded ? record.durationMs : null,
        worked: record.succeeded,
        detail: { round: record.round, ...(record.answered && record.answered !== 'tests' ? { answered: record.answered } : {}) },
      });
    },
    canEscalate: (repoRoot, from) => {
      const { router } = routerFor(repoRoot);
      return router.escalation && router.providerOrder().some((p) => p !== from.provider);
    },
    stopLeftoverProcesses: (deploymentId) => stopLeftoverProcesses(options.store.db, deploymentId),
    guardUserFiles: async (repoRoot, deploymentId) => {
      const guard = await guardUserFiles(repoRoot, deploymentId);
      return {
        restore: async () => {
          const result = await guard.restore();
          const touched = [...result.restored, ...result.notRestored];
          if (touched.length) restoredOutside.set(repoRoot, [...new Set([...(restoredOutside.get(repoRoot) ?? []), ...touched])]);
          return result;
        },
      };
    },
    // Files put back after a test run look untouched to the review: it is told (the code that changed them is not shipped).
    review: async (repoRoot, sandbox, before) => {
      const findings = await reviewChanges(repoRoot, sandbox, before);
      const restored = restoredOutside.get(repoRoot) ?? [];
      return restored.length ? { ...findings, restoredOutside: restored } : findings;
    },
    changeDiff: (sandbox, tree) => unifiedDiff(sandbox.path, sandbox.baseSha, tree),
    commit: (sandbox, input) => commitChanges(sandbox, input),
    recordShippedFiles: async (input) => {
      const files = await shippedFiles(input.sandbox.path, input.sandbox.baseSha, input.commit);
      // The patches keep the file's context lines: a secret value known to this process is redacted there too.
      const redactor = secretRegistry.redactor();
      new GeneratedFilesRepository(options.store.db).record({
        deploymentId: input.deploymentId,
        repoRoot: input.repoRoot,
        commitSha: input.commit,
        title: redactor.text(input.title),
        files: files.map((f) => ({ ...f, patch: f.patch === null ? null : redactor.text(f.patch) })),
        at: Date.now(),
      });
    },
    // The pull request needs GitHub: asked before the branch leaves the machine, so a refusal pushes nothing.
    push: async (repoRoot, sandbox, signal) => {
      await githubEnv();
      return pushBranch(repoRoot, sandbox, signal);
    },
    openPullRequest: async (repoRoot, input) => openPullRequest(repoRoot, input, await githubEnv()),
    // Every 10th outcome retrains the outcome model in a worker thread (the event loop stays free).
    recordOutcome: async (outcome) => {
      // The pattern learner first (synchronous, idempotent), then the model's retraining cadence.
      recordLearnedOutcome(options.store, outcome.deploymentId);
      const { maybeRetrain } = await import('../strategy/retrain');
      const result = await maybeRetrain(options.store);
      if (result.retrained || result.workerError) events.insert(outcome.deploymentId, Date.now(), 'model.retrain', result);
    },
    writeReport: async (deploymentId) => writeReport(options.store.db, options.store.path, deploymentId),
  };
}

/** What a phase is told, from what the context step found. */
function phaseContext(input: PhaseInput): PhaseContext {
  const context: ContextInfo = input.context;
  const integration = (context.integration ?? {}) as Record<string, unknown>;
  const phase: PhaseContext = { recommendation: input.recommendation };
  if (context.profile) phase.profile = context.profile;
  if (Array.isArray(integration.integrationPoints)) phase.integrationPoints = integration.integrationPoints as PhaseContext['integrationPoints'];
  if (context.choice) phase.userChoice = context.choice;
  if (typeof integration.repoMap === 'string') phase.repoMap = integration.repoMap;
  if (input.failingOutput) phase.failingOutput = input.failingOutput;
  if (input.notes) phase.notes = input.notes;
  if (input.errorPattern) phase.errorPattern = { id: input.errorPattern.id, description: input.errorPattern.explanation, suggestion: input.errorPattern.recovery };
  return phase;
}
