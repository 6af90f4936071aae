import { deploymentFilesOf, isDeploymentConfigRecommendation } from '../../../configgen/kinds';
import type { DeployStepContext, DeploymentState } from '../../deployment-state';
import type { PipelinePorts, TestRunOutcome } from '../../ports';

/**
 * A deployment-configuration recommendation (src/core/configgen): the templates write a baseline,
 * a model may adapt it, and the checks of the deployment files are its tests. Undefined for any
 * other recommendation, or when the ports have no such support.
 */
export function deploymentConfigOf(state: DeploymentState, ctx: DeployStepContext): NonNullable<PipelinePorts['deploymentConfig']> | undefined {
  return state.recommendation && ctx.ports.deploymentConfig && isDeploymentConfigRecommendation(state.recommendation) ? ctx.ports.deploymentConfig : undefined;
}

/**
 * One test round of a deployment-configuration change: the checks of its deployment files, and
 * the project's own tests too when the change touched anything else (a health route the model
 * added for the health check is code like any other).
 */
export async function configTestRound(port: NonNullable<PipelinePorts['deploymentConfig']>, state: DeploymentState, ctx: DeployStepContext): Promise<TestRunOutcome> {
  const checks = await port.check(state.sandbox!, { repoRoot: state.repoRoot!, filesWritten: state.filesWritten, signal: ctx.signal });
  const other = state.filesWritten.filter((f) => !deploymentFilesOf([f]).length);
  if (!other.length) return checks;
  const tests = await ctx.ports.runTests(state.sandbox!, { deploymentId: state.id, repoRoot: state.repoRoot!, context: state.context!, levers: state.levers!, filesWritten: state.filesWritten, signal: ctx.signal });
  return {
    ...tests,
    counts: { passed: checks.counts.passed + tests.counts.passed, failed: checks.counts.failed + tests.counts.failed, skipped: checks.counts.skipped + tests.counts.skipped },
    durationMs: checks.durationMs + tests.durationMs,
    framework: `${checks.framework} + ${tests.framework ?? 'tests'}`,
    command: `${checks.command}; ${tests.command ?? 'the tests'}`,
    failures: [...checks.failures, ...tests.failures],
    ...(tests.cases || checks.cases ? { cases: [...(checks.cases ?? []), ...(tests.cases ?? [])] } : {}),
    output: `${checks.output}\n\n${tests.output}`,
    ...(checks.error || tests.error ? { error: [checks.error, tests.error].filter(Boolean).join('; ') } : {}),
  };
}
