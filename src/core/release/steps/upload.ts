import { archiveStream } from '../archive';
import { withRecovery } from '../recovery';
import type { ReleaseStep } from '../release-state';
import { releaseExists, unpack } from '../scripts';

/**
 * Streams `git archive` of the release's commit into releases/<id> on every host: unpacked into
 * `<id>.partial` and renamed when complete, so a release folder is never half there. Idempotent:
 * a host that has the folder already is skipped; a `.partial` left by a client that died is
 * removed and the upload starts again.
 */
export const uploadStep: ReleaseStep = {
  name: 'upload',
  async run(state, ctx) {
    const { target, repoPath, commit } = state.request;
    const total = state.archive?.bytes ?? 0;
    const sent: Record<string, number> = {};
    let reported = -1;
    const report = () => {
      const bytes = Object.values(sent).reduce((a, b) => a + b, 0);
      const fraction = total ? Math.min(1, bytes / (total * target.hosts.length)) : 0;
      const percent = Math.floor(fraction * 50) * 2; // every 2 %
      if (percent === reported) return;
      reported = percent;
      ctx.progress(`upload ${percent}% (${(bytes / 1048576).toFixed(1)} MB)`, fraction);
    };
    const outcome = await ctx.eachHost(target.hosts, async (host) => {
      const exists = await ctx.run(host, releaseExists(target.path, state.release), { level: 'debug', what: 'looking for the release folder' });
      if (exists.output.trim() === 'yes') {
        ctx.log('info', `${host}: releases/${state.release} is there already`);
        return 'there';
      }
      return withRecovery(ctx, state, host, async () => {
        sent[host] = 0;
        let archive: ReturnType<typeof archiveStream> | undefined;
        await ctx.run(host, unpack(target.path, state.release, commit), {
          level: 'debug',
          what: 'unpacking the release',
          stdin: () => (archive = archiveStream(repoPath, commit)).stream,
          onStdinBytes: (n) => {
            sent[host] = (sent[host] ?? 0) + n;
            report();
          },
        });
        await archive?.done;
        return 'uploaded';
      });
    });
    return { uploaded: outcome };
  },
  summary: (state) => (state.archive ? `${state.archive.files} files, ${(state.archive.bytes / 1048576).toFixed(1)} MB → releases/${state.release}` : `releases/${state.release}`),
};
