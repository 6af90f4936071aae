import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The base of every test double that stands in for a remote service (Ollama, the Anthropic
 * Messages API, GitHub's REST API). It is a real HTTP server on 127.0.0.1, so the real client
 * libraries talk to it over the wire. Doubles add routes; tests queue faults to exercise
 * retries and fallbacks (status codes with headers, delays, dropped connections, bodies cut short).
 */
export interface FakeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  params: Record<string, string>;
  body: unknown;
  rawBody: string;
}

export type RouteHandler = (req: FakeRequest, res: ServerResponse) => void | Promise<void>;

export type Fault =
  | { kind: 'status'; status: number; body?: unknown; headers?: Record<string, string>; /** An HTML page instead of JSON, as a proxy in front of the service answers. */ html?: string }
  | { kind: 'delay'; ms: number }
  | { kind: 'hangup' }
  | { kind: 'truncate'; body: string };

interface Route {
  method: string;
  pattern: RegExp;
  names: string[];
  handler: RouteHandler;
}

export class HttpFake {
  private readonly server: Server;
  private readonly routes: Route[] = [];
  private readonly faults: { match: (req: FakeRequest) => boolean; fault: Fault }[] = [];
  /** Every request received, in order (method, path, body), for assertions. */
  readonly requests: FakeRequest[] = [];

  constructor() {
    this.server = createServer((req, res) => void this.handle(req, res));
  }

  /** Adds a route; `:name` segments become `params.name`. */
  route(method: string, path: string, handler: RouteHandler): this {
    const names: string[] = [];
    const pattern = new RegExp(
      '^' + path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:(\w+)/g, (_m, name: string) => (names.push(name), '([^/]+)')) + '$',
    );
    this.routes.push({ method: method.toUpperCase(), pattern, names, handler });
    return this;
  }

  /** The next request matching `path` (a prefix, or any when omitted) gets this fault instead of its answer. */
  failNext(fault: Fault, path?: string | ((req: FakeRequest) => boolean)): this {
    const match = typeof path === 'function' ? path : (req: FakeRequest) => !path || req.path.startsWith(path);
    this.faults.push({ match, fault });
    return this;
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return this.url;
  }

  get url(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://fake');
    let body: unknown = undefined;
    if (rawBody) {
      try {
        body = JSON.parse(rawBody);
      } catch {
        body = rawBody;
      }
    }
    const request: FakeRequest = { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers, params: {}, body, rawBody };
    this.requests.push(request);

    const faultIndex = this.faults.findIndex((f) => f.match(request));
    if (faultIndex >= 0) {
      const { fault } = this.faults.splice(faultIndex, 1)[0]!;
      if (fault.kind === 'delay') {
        await new Promise((r) => setTimeout(r, fault.ms));
      } else {
        return applyFault(fault, res);
      }
    }

    for (const route of this.routes) {
      if (route.method !== request.method) continue;
      const m = route.pattern.exec(request.path);
      if (!m) continue;
      route.names.forEach((name, i) => (request.params[name] = decodeURIComponent(m[i + 1]!)));
      try {
        await route.handler(request, res);
      } catch (error) {
        if (!res.headersSent) sendJson(res, 500, { message: `fake server error: ${(error as Error).message}` });
        else res.destroy();
      }
      return;
    }
    sendJson(res, 404, { message: `Not Found: ${request.method} ${request.path}` });
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

function applyFault(fault: Exclude<Fault, { kind: 'delay' }>, res: ServerResponse): void {
  switch (fault.kind) {
    case 'status':
      if (fault.html !== undefined) {
        res.writeHead(fault.status, { 'content-type': 'text/html; charset=utf-8', ...fault.headers });
        res.end(fault.html);
        return;
      }
      return sendJson(res, fault.status, fault.body ?? { message: `injected ${fault.status}` }, fault.headers);
    case 'hangup':
      res.socket?.destroy();
      return;
    case 'truncate':
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write(fault.body);
      res.socket?.destroy();
      return;
  }
}
