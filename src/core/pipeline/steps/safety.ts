import type { DeployStep } from '../deployment-state';

/** The safety pre-checks: a git repository, the circuit breaker, the repository's lock (held until the deployment ends), the model providers. */
export const safetyStep: DeployStep = {
  name: 'safety',
  async run(state, ctx) {
    const { ports } = ctx;
    const request = state.request;
    const repoRoot = await ports.repositoryRoot(request.workspaceDir);
    ctx.deployments.update(state.id, { repoPath: repoRoot });
    const circuit = await ports.checkCircuitBreaker(repoRoot, { deploymentId: state.id, forceReason: request.forceReason });
    if (circuit.forced) ctx.log('warn', `Circuit breaker is ${circuit.state}; overridden with --force (reason: ${request.forceReason}).`);
    // Before any model call: where model-written code could only run unconfined, the deployment is refused here.
    const confinement = await ports.checkConfinement?.(repoRoot);
    const unconfined = confinement?.kind === 'unconfined' ? `Model-written code runs ${confinement.description}.` : undefined;
    if (confinement) {
      ctx.record('confinement', confinement);
      ctx.log(unconfined ? 'warn' : 'info', unconfined ?? `Model-written code runs confined by ${confinement.description}.`);
    }
    ctx.progress('waiting for the repository lock');
    const lock = await ports.acquireLock(repoRoot, state.id, { wait: request.wait, signal: ctx.signal });
    try {
      ctx.progress('checking the model providers');
      const model = await ports.preflightModels(repoRoot, ctx.signal);
      const before = await ports.snapshotRepoState(repoRoot);
      ctx.hold(lock, REPOSITORY_LOCK);
      return { repoRoot, circuit, model, before, ...(unconfined ? { warnings: [...state.warnings, unconfined] } : {}) };
    } catch (error) {
      await lock.release();
      throw error;
    }
  },
};

/** How the repository's lock is named in a warning when releasing it fails. */
export const REPOSITORY_LOCK = 'the repository lock';
