import type { DeploymentState } from '../../deployment-state';
import type { SandboxInfo } from '../../ports';

/** The environment the user's hooks get: which deployment, on which branch, how it stands, in which mode. */
export function hookEnv(state: DeploymentState, sandbox: SandboxInfo, status: string): Record<string, string> {
  return { DEPLOY_AGENT_DEPLOYMENT_ID: state.id, DEPLOY_AGENT_BRANCH: sandbox.branch, DEPLOY_AGENT_STATUS: status, DEPLOY_AGENT_MODE: state.request.mode };
}
