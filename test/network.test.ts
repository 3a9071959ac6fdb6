import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect, type AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import selfsigned from 'selfsigned';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli.js';
import { fakeIO } from './helpers/io.js';
import { noProxyMatches, proxyFor } from '../src/http/proxy.js';
import { getScenario, startSimulator, type RunningSimulator } from '../src/simulator/index.js';

const io = fakeIO;

const listen = (server: Server): Promise<string> =>
  new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve(`127.0.0.1:${(server.address() as AddressInfo).port}`),
    ),
  );

/** A real CONNECT proxy (what corporate proxies speak for https), optionally wanting Basic auth. */
const startProxy = async (auth?: string) => {
  const tunnels: string[] = [];
  const server = createHttpServer((_req, res) => res.writeHead(405).end());
  server.on('connect', (req, socket, head) => {
    const expected =
      auth === undefined ? undefined : `Basic ${Buffer.from(auth).toString('base64')}`;
    if (expected !== undefined && req.headers['proxy-authorization'] !== expected) {
      socket.end(
        'HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="corp"\r\n\r\n',
      );
      return;
    }
    tunnels.push(req.url ?? '');
    const [host = '', port = ''] = (req.url ?? '').split(':');
    const upstream = connect(Number(port), host, () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
  });
  const address = await listen(server);
  return {
    url: `http://${address}`,
    tunnels,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
};

describe('proxies', () => {
  const healthy = getScenario('healthy')!;
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startSimulator({ scenario: healthy });
  });
  afterAll(async () => {
    await sim.close();
  });
  const args = () => [
    '--api-url',
    sim.url,
    '--auth-url',
    sim.url,
    '--workspace',
    'acme',
    '--format',
    'json',
  ];

  it('NO_PROXY and proxy selection follow curl (either case, ports, subdomains, *)', () => {
    expect(proxyFor('https://api.bitbucket.org/2.0/user', { https_proxy: 'http://p:1' })).toBe(
      'http://p:1',
    );
    expect(
      proxyFor('http://127.0.0.1:9/x', {
        HTTP_PROXY: 'http://p:1',
        NO_PROXY: 'localhost,127.0.0.1',
      }),
    ).toBeUndefined();
    expect(noProxyMatches(new URL('https://api.bitbucket.org'), '.bitbucket.org')).toBe(true);
    expect(noProxyMatches(new URL('https://api.bitbucket.org'), 'bitbucket.org:8443')).toBe(false);
    expect(noProxyMatches(new URL('https://x.y'), '*')).toBe(true);
    expect(proxyFor('https://a.b', {})).toBeUndefined();
  });

  it('goes through HTTP_PROXY and reports which proxy was used', async () => {
    const proxy = await startProxy();
    try {
      const t = io({ ...healthy.env, HTTP_PROXY: proxy.url });
      expect(await main(args(), t.sink)).toBe(0);
      expect(proxy.tunnels.length).toBeGreaterThan(0);
      expect((JSON.parse(t.out()) as { environment: { proxy: string } }).environment.proxy).toBe(
        proxy.url,
      );
    } finally {
      await proxy.close();
    }
  });

  it('NO_PROXY bypasses the proxy', async () => {
    const proxy = await startProxy();
    try {
      const t = io({ ...healthy.env, HTTP_PROXY: proxy.url, NO_PROXY: '127.0.0.1' });
      expect(await main(args(), t.sink)).toBe(0);
      expect(proxy.tunnels).toEqual([]);
    } finally {
      await proxy.close();
    }
  });

  it('a proxy 407 is PROXY_AUTH_REQUIRED, exit 3, never a credentials problem', async () => {
    const proxy = await startProxy('corp:hunter2-proxy');
    try {
      const t = io({ ...healthy.env, http_proxy: proxy.url });
      expect(await main(args(), t.sink)).toBe(3);
      expect((JSON.parse(t.out()) as { diagnosis: { code: string } }).diagnosis.code).toBe(
        'PROXY_AUTH_REQUIRED',
      );
    } finally {
      await proxy.close();
    }
  });

  it('proxy credentials work and their password is never printed', async () => {
    const proxy = await startProxy('corp:hunter2-proxy');
    try {
      const withAuth = proxy.url.replace('http://', 'http://corp:hunter2-proxy@');
      const t = io({ ...healthy.env, HTTP_PROXY: withAuth });
      expect(await main([...args(), '--verbose'], t.sink)).toBe(0);
      expect(t.out()).not.toContain('hunter2-proxy');
      expect(t.out()).not.toContain(Buffer.from('corp:hunter2-proxy').toString('base64'));
      expect(t.out()).toContain('corp:****@');
    } finally {
      await proxy.close();
    }
  });
});

describe('TLS', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bb-doctor-tls-'));
  const servers: Server[] = [];
  /** A local TLS server that answers like Bitbucket Cloud, with a certificate made for the case. */
  const tlsServer = async (options: { altName: string; notAfter?: Date; notBefore?: Date }) => {
    const pems = await selfsigned.generate([{ name: 'commonName', value: options.altName }], {
      keyType: 'ec',
      algorithm: 'sha256',
      ...(options.notBefore === undefined ? {} : { notBeforeDate: options.notBefore }),
      ...(options.notAfter === undefined ? {} : { notAfterDate: options.notAfter }),
      extensions: [
        {
          name: 'subjectAltName',
          altNames: /^\d/u.test(options.altName)
            ? [{ type: 7, ip: options.altName }]
            : [{ type: 2, value: options.altName }],
        },
      ],
    });
    const server = createHttpsServer({ key: pems.private, cert: pems.cert }, (_req, res) => {
      res
        .writeHead(200, { 'content-type': 'application/json', 'x-b3-traceid': 'abc' })
        .end('{"pagelen":10,"values":[]}');
    });
    servers.push(server);
    const address = await listen(server);
    const caFile = join(dir, `${options.altName}-${servers.length}.pem`);
    writeFileSync(caFile, pems.cert);
    return { url: `https://${address}`, caFile };
  };
  afterAll(() => {
    for (const server of servers) server.close();
  });

  const run = async (url: string, extra: string[] = []) => {
    const t = io({});
    const code = await main(
      ['--api-url', url, '--format', 'json', '--timeout', '8', ...extra],
      t.sink,
    );
    const report = JSON.parse(t.out()) as {
      diagnosis: { code?: string; summary?: string };
      checks: { id: string; status: string }[];
    };
    return { code, report };
  };

  it('a self-signed certificate is TLS_ERROR with the proxy/CA hint, exit 3', async () => {
    const server = await tlsServer({ altName: '127.0.0.1' });
    const { code, report } = await run(server.url);
    expect(code).toBe(3);
    expect(report.diagnosis.code).toBe('TLS_ERROR');
    expect(report.diagnosis.summary).toMatch(/self-signed/u);
  });

  it('--cacert trusts it', async () => {
    const server = await tlsServer({ altName: '127.0.0.1' });
    const { report } = await run(server.url, ['--cacert', server.caFile]);
    expect(report.checks.find((c) => c.id === 'connectivity')?.status).toBe('pass');
  });

  it('a certificate for another host name is TLS_ERROR', async () => {
    const server = await tlsServer({ altName: 'other.example' });
    const { code, report } = await run(server.url, ['--cacert', server.caFile]);
    expect(code).toBe(3);
    expect(report.diagnosis.code).toBe('TLS_ERROR');
    expect(report.diagnosis.summary).toMatch(/another host name/u);
  });

  it('an expired certificate is TLS_ERROR', async () => {
    const server = await tlsServer({
      altName: '127.0.0.1',
      notBefore: new Date('2020-01-01'),
      notAfter: new Date('2021-01-01'),
    });
    const { code, report } = await run(server.url, ['--cacert', server.caFile]);
    expect(code).toBe(3);
    expect(report.diagnosis.summary).toMatch(/expired/u);
  });

  it('a --cacert that is not PEM is a usage error', async () => {
    const file = join(dir, 'not.pem');
    writeFileSync(file, 'hello');
    const t = io({});
    expect(await main(['--cacert', file], t.sink)).toBe(2);
    expect(t.err()).toMatch(/holds no PEM certificate/u);
  });
});
