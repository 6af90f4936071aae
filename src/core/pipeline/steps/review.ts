import { DeployAgentError } from '../../errors';
import type { DeployStep } from '../deployment-state';
import { assertTestsAcceptable } from './shared/accept-tests';
import { qualityGates } from './shared/quality-gates';
import { recordChangeDiff } from './shared/change-diff';

/** The review gates before anything is committed: the tests, the strategy's type-check and lint gates, no credentials in the change, nothing written outside the sandbox. */
export const reviewStep: DeployStep = {
  name: 'review',
  async run(state, ctx) {
    assertTestsAcceptable(state.tests!, state);
    const gated = await qualityGates(state, ctx);
    const review = await ctx.ports.review(state.repoRoot!, state.sandbox!, state.before!);
    const warnings = review.configChanges?.length ? [...state.warnings, configChangeWarning(review.configChanges)] : undefined;
    if (warnings) ctx.log('warn', warnings.at(-1)!);
    if (review.secrets.length) {
      throw new DeployAgentError(
        'CREDENTIALS_IN_CHANGE',
        `The change contains what looks like credentials: ${review.secrets.map((s) => `${s.path}${s.line ? `:${s.line}` : ''} (${s.kind})`).join(', ')}.`,
        'Nothing was committed. Move the secret to an environment variable or secret store and deploy again.',
        { details: { secrets: review.secrets } },
      );
    }
    if (review.restoredOutside?.length) {
      throw new DeployAgentError(
        'WRITE_OUTSIDE_SANDBOX',
        `Files outside the sandbox changed while model-written code ran: ${review.restoredOutside.slice(0, 10).join(', ')}${review.restoredOutside.length > 10 ? ` and ${review.restoredOutside.length - 10} more` : ''}. They were put back as they were.`,
        'Nothing was committed. The report\'s warnings say where what was found instead is kept (copy it back if it was your own edit meanwhile); without a confinement tool (bubblewrap, sandbox-exec), generated tests can reach your files.',
        { details: { paths: [...new Set([...review.restoredOutside, ...review.outsideSandbox])] } },
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
    // The tree that passed: its diff goes into the history (the report), and in review mode a later ship re-checks any other.
    const tree = await ctx.ports.snapshotSandbox(state.sandbox!);
    await recordChangeDiff(state, ctx, tree);
    return { review, ...gated, ...(warnings ? { warnings } : {}), ...(state.request.mode === 'review' ? { testedTree: tree } : {}) };
  },
};

/** The model edited Deploy Agent's configuration: a reviewer must see it, and know it did not take effect. */
export function configChangeWarning(paths: string[]): string {
  return (
    `The change edits Deploy Agent's configuration (${paths.join(', ')}). It did not take effect in this deployment: ` +
    'hooks and settings came from your working copy, read before the sandbox existed. Review it like code before you merge it — once merged, its hooks run on your machine.'
  );
}
