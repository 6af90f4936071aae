import { HttpFake, sendJson } from '../../support/http-fake';

export interface FakePull {
  number: number;
  title: string;
  head: string;
  base: string;
  body: string;
  draft: boolean;
  html_url: string;
}

/**
 * The slice of GitHub's REST API the pipeline uses (list and create pull requests), on the
 * shared HttpFake so Octokit talks to it over the wire. Checks the token like GitHub does.
 * (test/support/fake-github.ts from the shipping area replaces this when it lands.)
 */
export class PullRequestsApi {
  readonly http = new HttpFake();
  readonly pulls: FakePull[] = [];

  constructor(readonly token = 'ghs_test_token_for_the_fake') {
    const authorized = (headers: Record<string, unknown>) => headers.authorization === `token ${this.token}` || headers.authorization === `Bearer ${this.token}`;
    this.http
      .route('GET', '/repos/:owner/:repo/pulls', (req, res) => {
        if (!authorized(req.headers)) return sendJson(res, 401, { message: 'Bad credentials' });
        const head = req.query.get('head');
        const branch = head?.includes(':') ? head.split(':')[1] : head;
        sendJson(res, 200, this.pulls.filter((p) => !branch || p.head === branch).map((p) => this.json(req.params.owner!, req.params.repo!, p)));
      })
      .route('POST', '/repos/:owner/:repo/pulls', (req, res) => {
        if (!authorized(req.headers)) return sendJson(res, 401, { message: 'Bad credentials' });
        const body = req.body as { title: string; head: string; base: string; body: string; draft?: boolean };
        if (this.pulls.some((p) => p.head === body.head)) return sendJson(res, 422, { message: 'Validation Failed', errors: [{ message: `A pull request already exists for ${req.params.owner}:${body.head}.` }] });
        const number = this.pulls.length + 1;
        const pull: FakePull = { number, title: body.title, head: body.head, base: body.base, body: body.body, draft: Boolean(body.draft), html_url: `https://github.example/${req.params.owner}/${req.params.repo}/pull/${number}` };
        this.pulls.push(pull);
        sendJson(res, 201, this.json(req.params.owner!, req.params.repo!, pull));
      });
  }

  listen(): Promise<string> {
    return this.http.listen();
  }

  close(): Promise<void> {
    return this.http.close();
  }

  private json(owner: string, repo: string, p: FakePull) {
    return { id: p.number, number: p.number, state: 'open', title: p.title, body: p.body, draft: p.draft, html_url: p.html_url, head: { ref: p.head, label: `${owner}:${p.head}` }, base: { ref: p.base } };
  }
}
