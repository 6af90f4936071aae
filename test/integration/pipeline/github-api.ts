import { FakeGithub, type FakePull } from '../../support/fake-github';
import type { HttpFake } from '../../support/http-fake';

export type { FakePull } from '../../support/fake-github';

/**
 * The slice of GitHub's REST API the pipeline uses (list and create pull requests): the shared
 * fake GitHub (test/support/fake-github.ts) with every repository existing on first use, so
 * Octokit talks to it over the wire. Checks the token like GitHub does.
 */
export class PullRequestsApi {
  readonly github: FakeGithub;

  constructor(readonly token = 'ghs_test_token_for_the_fake') {
    this.github = new FakeGithub({ token, autoCreateRepos: true });
  }

  get http(): HttpFake {
    return this.github.http;
  }

  /** Every pull request opened, in order (all repositories). */
  get pulls(): FakePull[] {
    return [...this.github.repos.values()].flatMap((r) => r.pulls);
  }

  listen(): Promise<string> {
    return this.github.listen();
  }

  close(): Promise<void> {
    return this.github.close();
  }
}
