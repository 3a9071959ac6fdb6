// The embedded Bitbucket Cloud simulator: a real HTTP server (node:http) on 127.0.0.1 that serves the
// REST API (`/2.0/...`, and the answers for `/1.0/...`, `/rest/...`, `/!api/...`) and the OAuth token
// endpoint (`POST /site/oauth2/access_token`) on ONE origin. bb-doctor is pointed at it with
// `--api-url {base} --auth-url {base}`.
//
// With `product: 'data-center'` (or a `dc-…` scenario) the same server is a Bitbucket Data Center
// below its context path instead (dc-routes.ts): `running.base` is then `url` + `/bitbucket`.
//
// It models Bitbucket Cloud as documented in bitbucket-auth.md and imports nothing from the rest of
// bb-doctor (design.md, "The simulator"), so that a wrong fact is not wrong on both sides.

import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { authenticate } from './auth.js';
import { newDcAuthState } from './dc-auth.js';
import type { DcServer } from './dc-routes.js';
import { dcStats, handleDc } from './dc-routes.js';
import { defaultDcScenarioName, dcScenarios } from './dc-scenarios.js';
import { dcErrors } from './dc-wire.js';
import type { DcWorld } from './dc-world.js';
import { dcWorldSecrets, isDcWorld } from './dc-world.js';
import type { AuthResult } from './auth.js';
import type { FaultMode } from './faults.js';
import { badJsonReply, HTML_500_BODY, offhostLocation } from './faults.js';
import type { RequestLogEntry } from './log.js';
import { maskPath } from './log.js';
import { authenticateGit, parseGitPath, routeGit } from './git.js';
import { TOKEN_PATH, handleTokenRequest } from './oauth.js';
import { rateLimitHeaders, routeApi } from './routes.js';
import type { AnyScenario } from './scenarios.js';
import { defaultScenarioName, getScenario, isDcScenario, scenarios } from './scenarios.js';
import type { Reply } from './wire.js';
import { RATE_LIMIT_MESSAGE, errorReply, htmlReply, textReply } from './wire.js';
import type { World } from './world.js';
import { worldSecrets } from './world.js';

export type { FaultMode } from './faults.js';
export type { RequestLogEntry } from './log.js';
export { formatLogLine } from './log.js';

export type Product = 'cloud' | 'data-center';

export interface StartOptions {
  /**
   * A scenario or its name; its world, fault and latency are used unless overridden below. Default:
   * `lowercase-bearer`, or `dc-healthy` with `product: 'data-center'`.
   */
  scenario?: string | AnyScenario;
  /**
   * Bitbucket Cloud (default) or Data Center. Follows the scenario (`dc-…` scenarios are Data Center)
   * or the world; a contradiction is an error.
   */
  product?: Product;
  /** Serve this world instead of the scenario's (it is cloned; the original is never changed). */
  world?: World | DcWorld;
  /** Default 0: a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Delay before each answer: fixed milliseconds, or a function of the request. */
  latencyMs?: number | ((req: { method: string; path: string }) => number);
  fault?: FaultMode;
  /** Called once per request, when its response is finished or its connection is gone. */
  onRequest?: (entry: RequestLogEntry) => void;
  /** How long `slow-body` takes to dribble a body out. Default 5000 ms. */
  slowBodyMs?: number;
}

/** The Data Center CAPTCHA budget (contract.md "Harmless to run on Data Center"). */
export interface DataCenterStats {
  /** Failed password logins counted towards a CAPTCHA lock (all usernames). */
  failedLogins: number;
  /** Requests refused because the account was locked. */
  captchaRefusals: number;
  /** Usernames now behind a CAPTCHA. */
  locked: string[];
  /** `failedLogins` per username (as the world spells it): the budget of contract.md is 1 per username. */
  failedLoginsByUser: Record<string, number>;
}

export interface RunningSimulator {
  /** e.g. `http://127.0.0.1:43121`, no trailing slash: the origin. */
  url: string;
  /**
   * Where the product lives: `url` for Cloud, `url` + the context path for Data Center (e.g.
   * `http://127.0.0.1:43121/bitbucket`). What `--api-url` wants.
   */
  base: string;
  product: Product;
  port: number;
  /**
   * `requests`: every request received. `unauthorized`: every 401, plus every token-endpoint answer that
   * did not issue a token. `byCredential`: the same two counts per credential label (`anonymous` for
   * requests without recognised credentials, `unknown` for secrets the world does not know,
   * `consumer:<label>` for token requests).
   */
  stats(): {
    requests: number;
    unauthorized: number;
    byCredential: Record<string, { requests: number; unauthorized: number }>;
    /** Data Center only. */
    dataCenter?: DataCenterStats;
  };
  /** Stops the server; hanging and keep-alive sockets are destroyed, so this is quick. */
  close(): Promise<void>;
}

const BODY_LIMIT = 1024 * 1024;
const DEFAULT_SLOW_BODY_MS = 5000;
const SLOW_BODY_CHUNKS = 10;

function hex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}

function resolveScenario(options: StartOptions): AnyScenario {
  const { scenario } = options;
  if (scenario !== undefined && typeof scenario !== 'string') return scenario;
  const dc =
    options.product === 'data-center' ||
    (options.product === undefined && isDcWorld(options.world));
  const name = scenario ?? (dc ? defaultDcScenarioName : defaultScenarioName);
  const found = getScenario(name);
  if (!found) {
    const known = [...scenarios, ...dcScenarios].map((s) => s.name).join(', ');
    throw new Error(`Unknown scenario "${name}". Known scenarios: ${known}`);
  }
  return found;
}

/** The product to serve: the scenario's, which the options and the world must not contradict. */
function resolveProduct(options: StartOptions, scenario: AnyScenario): Product {
  const fromScenario: Product = isDcScenario(scenario) ? 'data-center' : 'cloud';
  const fromWorld: Product | undefined =
    options.world === undefined ? undefined : isDcWorld(options.world) ? 'data-center' : 'cloud';
  const product = fromWorld ?? fromScenario;
  if (options.product !== undefined && options.product !== product) {
    throw new Error(
      `Scenario "${scenario.name}" is a ${product} scenario; it cannot be served as ${options.product}.`,
    );
  }
  return product;
}

/** `X-AREQUESTID` (bitbucket-auth.md §8 [H]); the value's format is CHOSEN ([U]): `@` + 7 base-36, `x` counters. */
function requestId(counter: number): string {
  const minutes = Math.floor((Date.now() % 86_400_000) / 60_000);
  const head = randomBytes(5)
    .readUInt32BE(0)
    .toString(36)
    .toUpperCase()
    .padStart(7, '0')
    .slice(0, 7);
  return `@${head}x${String(minutes)}x${String(counter)}x0`;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (): void => {
      resolve(Buffer.concat(chunks).toString('utf8'));
    };
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= BODY_LIMIT) chunks.push(chunk);
    });
    req.on('end', done);
    req.on('close', done);
    req.on('error', done);
  });
}

export async function startSimulator(options: StartOptions = {}): Promise<RunningSimulator> {
  const scenario = resolveScenario(options);
  const product = resolveProduct(options, scenario);
  const served: World | DcWorld = structuredClone(options.world ?? scenario.world);
  // Exactly one of the two is set: the Cloud world, or the Data Center server with its CAPTCHA state.
  const world: World = isDcWorld(served)
    ? { accounts: [], workspaces: [], consumers: [], credentials: [] }
    : served;
  const dc: DcServer | null = isDcWorld(served)
    ? { world: served, state: newDcAuthState(served) }
    : null;
  const secrets = dc ? dcWorldSecrets(dc.world) : null;
  const fault = options.fault ?? scenario.fault;
  const latency = options.latencyMs ?? scenario.latencyMs;
  const slowBodyMs = options.slowBodyMs ?? DEFAULT_SLOW_BODY_MS;
  const host = options.host ?? '127.0.0.1';

  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let closed = false;
  let issued = 0;
  let baseUrl = '';
  let port = 0;

  const counts = { requests: 0, unauthorized: 0 };
  const byCredential: Record<string, { requests: number; unauthorized: number }> = {};
  const bucket = (key: string): { requests: number; unauthorized: number } =>
    (byCredential[key] ??= { requests: 0, unauthorized: 0 });

  const delay = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  const latencyFor = (method: string, path: string): number => {
    const value = typeof latency === 'function' ? latency({ method, path }) : (latency ?? 0);
    return Number.isFinite(value) && value > 0 ? value : 0;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const started = performance.now();
    counts.requests += 1;
    const method = req.method ?? 'GET';
    const rawUrl = req.url ?? '/';
    const url = rawUrl.startsWith('/') ? new URL(baseUrl + rawUrl) : new URL(rawUrl, baseUrl);
    const pathAndQuery = url.pathname + url.search;
    let describe = 'none';
    let statsKey = 'anonymous';
    let counted = false;

    // Log once, when the exchange is over: finished, reset, or abandoned (hang + close()).
    res.on('close', () => {
      if (!counted) bucket(statsKey).requests += 1;
      counted = true;
      const entry: RequestLogEntry = {
        method,
        path: maskPath(pathAndQuery, secrets ?? worldSecrets(world)),
        status: res.headersSent ? res.statusCode : 0,
        durationMs: Math.round(performance.now() - started),
        auth: describe,
      };
      if (fault !== undefined) entry.fault = fault;
      try {
        options.onRequest?.(entry);
      } catch {
        // A failing log callback must not take the simulator down.
      }
    });

    const body = await readBody(req);
    const wait = latencyFor(method, pathAndQuery);
    if (wait > 0) await delay(wait);
    if (closed || res.destroyed) return;

    const authorization = req.headers.authorization;
    if (dc) {
      const handled = handleDataCenter(dc, req, res, { method, url, authorization, body });
      if (handled) {
        describe = handled.describe;
        statsKey = handled.statsKey;
        counted = true;
      }
      return;
    }
    const isTokenEndpoint = url.pathname === TOKEN_PATH;
    // Git's smart-HTTP paths authenticate as git does (git.ts, bitbucket-auth.md §12.1).
    const gitPath = parseGitPath(url.pathname);
    // Authentication is a pure lookup, safe to run before a fault replaces the answer; the token
    // endpoint changes the world, so it only runs when the answer is really produced.
    const auth: AuthResult | null = isTokenEndpoint
      ? null
      : gitPath
        ? authenticateGit(world, authorization, Date.now())
        : authenticate(world, authorization, Date.now());
    if (auth) {
      describe = auth.describe;
      statsKey = auth.statsKey;
    } else {
      // Until the token endpoint has run (it names the consumer), say only how the client authenticated.
      describe =
        authorization === undefined
          ? 'none'
          : `${authorization.startsWith('Basic ') ? 'Basic' : 'other'}(client)`;
    }

    if (fault === 'hang') return; // accepted, never answered; close() destroys the socket
    if (fault === 'reset') {
      req.socket.destroy();
      return;
    }

    let reply: Reply;
    let rejected = false;
    if (fault === 'rate-limit') {
      // bitbucket-auth.md §7: 429 with X-RateLimit-* only for access tokens on /2.0/repositories/*.
      // Retry-After on Cloud 429s is [U], so none is sent.
      reply = errorReply(
        429,
        RATE_LIMIT_MESSAGE,
        {},
        auth ? rateLimitHeaders(auth, url.pathname, true) : {},
      );
    } else if (fault === 'html500') {
      reply = htmlReply(500, HTML_500_BODY);
    } else if (fault === 'redirect-offhost') {
      reply = textReply(302, '', { location: offhostLocation(port, pathAndQuery) });
    } else {
      if (auth && gitPath) {
        reply = routeGit(world, {
          method,
          url,
          path: gitPath,
          auth,
          body,
          clientIp: req.socket.remoteAddress ?? '',
        });
      } else if (auth) {
        reply = routeApi(world, {
          method,
          url,
          hasAuthorization: authorization !== undefined,
          auth,
          baseUrl,
        });
        reply.headers = { ...reply.headers, ...rateLimitHeaders(auth, url.pathname, false) };
      } else {
        const result = handleTokenRequest(
          {
            world,
            now: Date.now(),
            nextTokenLabel: () => `tok#${++issued}`,
            randomSecret: (bytes) => randomBytes(bytes).toString('base64url'),
          },
          method,
          authorization,
          body,
        );
        reply = result.reply;
        rejected = result.rejected;
        describe = result.describe;
        statsKey = result.statsKey;
      }
      if (fault === 'badjson') reply = badJsonReply(reply);
    }

    if (reply.status === 401 || rejected) {
      counts.unauthorized += 1;
      bucket(statsKey).unauthorized += 1;
    }
    bucket(statsKey).requests += 1;
    counted = true;
    send(req, res, reply, fault === 'slow-body');
  };

  let dcRequests = 0;
  /**
   * One Data Center request: faults first (a hung or faulted request never reaches the application,
   * so nothing is counted towards a CAPTCHA), then dc-routes.ts. Answers of the application carry
   * `X-AREQUESTID`; the Cloud edge headers are never sent.
   */
  const handleDataCenter = (
    server: DcServer,
    req: IncomingMessage,
    res: ServerResponse,
    request: { method: string; url: URL; authorization: string | undefined; body: string },
  ): { describe: string; statsKey: string } | null => {
    const hasAuth = request.authorization !== undefined;
    if (fault === 'hang') return null;
    if (fault === 'reset') {
      req.socket.destroy();
      return null;
    }
    let reply: Reply;
    let inApp = true;
    let key = 'anonymous';
    let describeText = hasAuth ? 'unread(fault)' : 'none';
    if (fault === 'rate-limit') {
      // bitbucket-auth.md §7 [H]: 429 when the user's token bucket is empty; headers [U]: CHOSEN the
      // Confluence DC set ([L]) and the usual envelope.
      reply = dcErrors(429, 'You have been rate limited. Try again later.', null, {
        'retry-after': '60',
        'x-ratelimit-limit': '60',
        'x-ratelimit-remaining': '0',
        'x-ratelimit-interval-seconds': '60',
        'x-ratelimit-fillrate': '10',
      });
    } else if (fault === 'html500') {
      reply = htmlReply(500, HTML_500_BODY);
      inApp = false;
    } else if (fault === 'redirect-offhost') {
      reply = textReply(302, '', {
        location: offhostLocation(port, request.url.pathname + request.url.search),
      });
      inApp = false;
    } else {
      const handled = handleDc(server, { ...request, origin: baseUrl });
      reply = handled.reply;
      inApp = handled.inApp;
      key = handled.statsKey;
      describeText = handled.describe;
      if (fault === 'badjson') reply = badJsonReply(reply);
    }
    if (reply.status === 401) {
      counts.unauthorized += 1;
      bucket(key).unauthorized += 1;
    }
    bucket(key).requests += 1;
    dcRequests += 1;
    const headers = inApp
      ? { 'x-arequestid': requestId(dcRequests), ...reply.headers }
      : reply.headers;
    sendRaw(req, res, { ...reply, headers }, fault === 'slow-body');
    return { describe: describeText, statsKey: key };
  };

  const send = (req: IncomingMessage, res: ServerResponse, reply: Reply, slow: boolean): void => {
    sendRaw(
      req,
      res,
      {
        ...reply,
        headers: {
          // Trace headers on every answer, as on the real thing (bitbucket-auth.md §3.6 [H]: x-b3-traceid,
          // x-b3-spanid, x-trace-id; x-request-id is a common edge header, [U] for Bitbucket).
          'x-request-id': hex(16),
          'x-b3-traceid': hex(8),
          'x-b3-spanid': hex(8),
          'x-trace-id': hex(16),
          // bitbucket-auth.md §3.6 [H]: `server: AtlassianEdge` and this `vary` on a 200; failed Basic
          // answers override it with `server: envoy` (§3.5).
          server: 'AtlassianEdge',
          vary: 'Authorization, Origin, cookie, user-context, Accept-Encoding',
          ...reply.headers,
        },
      },
      slow,
    );
  };

  const sendRaw = (
    req: IncomingMessage,
    res: ServerResponse,
    reply: Reply,
    slow: boolean,
  ): void => {
    const payload = Buffer.from(reply.body, reply.bodyEncoding ?? 'utf8');
    const headers: Record<string, string> = {
      ...reply.headers,
      'content-length': String(payload.length),
    };
    res.writeHead(reply.status, headers);
    if (req.method === 'HEAD' || payload.length === 0) {
      res.end();
      return;
    }
    if (!slow) {
      res.end(payload);
      return;
    }
    // slow-body: headers at once, then the body in pieces over `slowBodyMs`.
    res.flushHeaders();
    const size = Math.max(1, Math.ceil(payload.length / SLOW_BODY_CHUNKS));
    const pieces: Buffer[] = [];
    for (let at = 0; at < payload.length; at += size) pieces.push(payload.subarray(at, at + size));
    const interval = slowBodyMs / pieces.length;
    const next = (index: number): void => {
      if (closed || res.destroyed) return;
      const piece = pieces[index];
      if (piece === undefined) {
        res.end();
        return;
      }
      res.write(piece);
      const timer = setTimeout(() => {
        timers.delete(timer);
        next(index + 1);
      }, interval);
      timers.add(timer);
    };
    next(0);
  };

  // Node's 16 KB header limit would reset a connection whose request line is huge (a pasted
  // URL of 130,000 characters) while the client still writes it, a race the client sees as
  // ECONNRESET or a 431: room for 1 MB, so such a request gets a real answer.
  const server = createServer({ maxHeaderSize: 1024 * 1024 }, (req, res) => {
    handle(req, res).catch(() => {
      // A bug in the simulator answers 500 rather than hanging the client.
      if (!res.headersSent && !res.destroyed) {
        res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
        res.end('simulator error\n');
      }
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('simulator: no TCP address');
  port = address.port;
  baseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  let closing: Promise<void> | null = null;
  return {
    url: baseUrl,
    base: dc ? `${baseUrl}${dc.world.contextPath.replace(/\/+$/, '')}` : baseUrl,
    product,
    port,
    stats: () => ({
      requests: counts.requests,
      unauthorized: counts.unauthorized,
      byCredential: structuredClone(byCredential),
      ...(dc ? { dataCenter: dcStats(dc) } : {}),
    }),
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        closed = true;
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        server.close(() => {
          resolve();
        });
        for (const socket of sockets) socket.destroy();
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
