import { lockTarget } from '../lock';
import type { ReleaseStep } from '../release-state';

/** How the target's lock is named in a warning when releasing it fails. */
export const TARGET_LOCK = 'the target lock';

/** Takes the target's lock on every host, held until the release ends. */
export const lockStep: ReleaseStep = {
  name: 'lock',
  async run(state, ctx) {
    const lock = await lockTarget(ctx.run, state.request.target, state.id, (message) => ctx.log('warn', message), ctx.now());
    ctx.hold(lock, TARGET_LOCK);
    return {};
  },
};
