import type { DeployStep } from '../deployment-state';

/** Opens the pull request (a draft when the strategy says so), its body made of what the deployment did. */
export const pullRequestStep: DeployStep = {
  name: 'pull-request',
  async run(state, ctx) {
    const pr = await ctx.ports.openPullRequest(state.repoRoot!, {
      deploymentId: state.id,
      sandbox: state.sandbox!,
      recommendation: state.recommendation!,
      draft: state.levers?.draftPr ?? false,
      signal: ctx.signal,
      body: {
        summary: state.implementSummary ?? '',
        tests: state.tests!.counts,
        ...(state.tests!.cases ? { testCases: state.tests!.cases } : {}),
        repairs: state.repairs,
        strategy: state.levers!,
        filesWritten: state.filesWritten,
        model: state.usage,
      },
    });
    ctx.deployments.update(state.id, { prUrl: pr.url });
    return { pr };
  },
  summary: (state) => state.pr?.url,
};
