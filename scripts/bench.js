// `npm run bench`: the timing goals of issues #4 and #6, and of "HAR at scale" (explain of a
// browser HAR export of 1k to 100k entries, and of a 500 MB one), measured on this machine and
// printed. Not a test: figures vary with the machine; a test would flake. Run after `npm run build`.
// `npm run bench -- har` runs only the HAR part, `npm run bench -- package` only the package part
// (the packed tarball installed into an empty prefix: its size, files, packages, start-up).
import { Buffer } from 'node:buffer';
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../dist/bb-doctor.js', import.meta.url));
const node = process.execPath;

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

const wall = (args) => {
  const started = process.hrtime.bigint();
  const result = spawnSync(node, args, { stdio: 'ignore' });
  if (result.status !== 0) throw new Error(`${args.join(' ')} exited ${result.status}`);
  return Number(process.hrtime.bigint() - started) / 1e6;
};

/** Runs the CLI in a child that reports its own peak RSS (KB) on stderr at exit. */
const runWithRss = (args) =>
  new Promise((resolve, reject) => {
    const probe = `process.on('exit', () => process.stderr.write('\\nBENCH_MAXRSS=' + process.resourceUsage().maxRSS + '\\n')); process.argv.splice(1, 0, 'bb-doctor'); await import(${JSON.stringify(BIN)});`;
    const child = spawn(node, ['--input-type=module', '-e', probe, '--', ...args], {
      env: { ...process.env, NO_COLOR: '1' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('exit', (code) => {
      const rss = Number(/BENCH_MAXRSS=(\d+)/u.exec(stderr)?.[1] ?? NaN);
      resolve({ code, stdout, rssMb: rss / 1024 });
    });
  });

const json = async (args) => {
  const result = await runWithRss([...args, '--format', 'json']);
  return { ...result, report: JSON.parse(result.stdout) };
};

const line = (label, value, goal, ok) =>
  console.log(`${ok ? '✓' : '✗'} ${label.padEnd(52)} ${value.padEnd(22)} goal ${goal}`);

console.log(
  `bb-doctor bench · ${new Date().toISOString().slice(0, 10)} · node ${process.version} · ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'} · ${Math.round(totalmem() / 2 ** 30)} GiB\n`,
);

/**
 * The package as a user gets it: `npm pack`, `npm install -g` of the tarball into an empty prefix
 * (no scripts, no network), then the installed command's start-up against bare `node -e 0`.
 */
const pack = () => {
  const dir = mkdtempSync(join(tmpdir(), 'bb-doctor-bench-pack-'));
  try {
    const env = { ...process.env, npm_config_cache: join(dir, '.npm-cache') };
    const npm = (args) => {
      const r = spawnSync('npm', args, { cwd: dir, encoding: 'utf8', env });
      if (r.status !== 0) throw new Error(`npm ${args.join(' ')}: ${r.stderr}`);
      return r.stdout;
    };
    const root = fileURLToPath(new URL('..', import.meta.url));
    const [info] = JSON.parse(
      npm(['pack', '--ignore-scripts', '--json', '--pack-destination', dir, root]),
    );
    const prefix = join(dir, 'prefix');
    const out = npm([
      'install',
      '-g',
      '--prefix',
      prefix,
      '--ignore-scripts',
      '--offline',
      '--no-audit',
      '--no-fund',
      join(dir, info.filename),
    ]);
    const added = Number(/added (\d+) package/u.exec(out)?.[1] ?? NaN);
    line(
      'package: tarball size, files (unpacked)',
      `${(info.size / 1e3).toFixed(1)} kB, ${info.entryCount} files (${(info.unpackedSize / 1e3).toFixed(0)} kB)`,
      'dist/ whole',
      info.files.some((f) => f.path.startsWith('dist/chunks/')),
    );
    line('package: packages installed (npm install -g)', `${added}`, '1', added === 1);
    const installed = join(prefix, 'bin', 'bb-doctor');
    const spawnWall = (file, args) => {
      const started = process.hrtime.bigint();
      const result = spawnSync(file, args, { stdio: 'ignore' });
      if (result.status !== 0) throw new Error(`${file} ${args.join(' ')} exited ${result.status}`);
      return Number(process.hrtime.bigint() - started) / 1e6;
    };
    const runs = 15;
    const bare = [];
    const cli = [];
    spawnWall(node, ['-e', '0']);
    spawnWall(installed, ['--version']);
    for (let i = 0; i < runs; i += 1) {
      bare.push(spawnWall(node, ['-e', '0']));
      cli.push(spawnWall(installed, ['--version']));
    }
    const ratio = median(cli) / median(bare);
    line(
      'package: installed bb-doctor --version / node -e 0',
      `${median(cli).toFixed(0)} / ${median(bare).toFixed(0)} ms = ${ratio.toFixed(2)}`,
      '≤ 1.3',
      ratio <= 1.3,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

const core = async () => {
  // 1. Start-up: `bb-doctor --version` against bare `node -e 0`, interleaved, medians.
  const runs = 15;
  const bare = [];
  const cli = [];
  wall(['-e', '0']);
  wall([BIN, '--version']);
  for (let i = 0; i < runs; i += 1) {
    bare.push(wall(['-e', '0']));
    cli.push(wall([BIN, '--version']));
  }
  const ratio = median(cli) / median(bare);
  line(
    'startup: bb-doctor --version / node -e 0',
    `${median(cli).toFixed(0)} / ${median(bare).toFixed(0)} ms = ${ratio.toFixed(2)}`,
    '≤ 1.3',
    ratio <= 1.3,
  );

  // 2. Concurrency: a full run at 300 ms simulated latency against the sum of its requests' times.
  for (const scenario of ['healthy', 'lowercase-bearer']) {
    const { report } = await json(['demo', scenario, '--latency-ms', '300', '--verbose']);
    const sum = report.exchanges.reduce((total, exchange) => total + exchange.durationMs, 0);
    const r = report.durationMs / sum;
    line(
      `concurrency (${scenario}, 300 ms latency): run / Σ requests`,
      `${report.durationMs} / ${sum} ms = ${r.toFixed(2)}`,
      '≤ 0.5',
      r <= 0.5,
    );
  }

  // 3. Requests per run for every scenario, and 4. peak RSS of a full run.
  const list = spawnSync(node, [BIN, 'demo', '--list'], { encoding: 'utf8' })
    .stdout.trim()
    .split('\n')
    .map((l) => l.split(/\s+/u)[0]);
  let worst = { name: '', requests: 0 };
  let peak = { name: '', rss: 0 };
  const counts = [];
  for (const name of list) {
    const { report, rssMb } = await json(['demo', name]);
    counts.push(`${name}=${report.requests}`);
    if (report.requests > worst.requests) worst = { name, requests: report.requests };
    if (rssMb > peak.rss) peak = { name, rss: rssMb };
  }
  line(
    'requests per run (max over every scenario)',
    `${worst.requests} (${worst.name})`,
    '≤ 12',
    worst.requests <= 12,
  );
  line(
    'peak RSS of a demo run, simulator in-process (max)',
    `${peak.rss.toFixed(1)} MB (${peak.name})`,
    '≤ 80 MB',
    peak.rss <= 80,
  );

  // 4b. Peak RSS of a plain run (what a user runs): the simulator in its own process, the doctor
  // against it with the healthy scenario's API token read off simulate's credentials table.
  const sim = spawn(node, [BIN, 'simulate', '--scenario', 'healthy'], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  let banner = '';
  const base = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('simulate did not start')), 10_000);
    sim.stdout.on('data', (d) => {
      banner += d;
      const match = /Base URL:\s+(http:\/\/127\.0\.0\.1:\d+)/u.exec(banner);
      if (match !== null && /alice-api-token.*\n/u.test(banner)) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
  });
  const token = /alice-api-token\s+\S+\s+\S+\s+(\S+)/u.exec(banner)?.[1] ?? '';
  process.env.BITBUCKET_EMAIL = 'alice@example.com';
  process.env.BITBUCKET_API_TOKEN = token;
  const plain = await json([
    '--api-url',
    base,
    '--auth-url',
    base,
    '--workspace',
    'acme',
    '--repo',
    'secret-repo',
  ]);
  delete process.env.BITBUCKET_API_TOKEN;
  sim.kill('SIGTERM');
  line(
    'peak RSS of a plain healthy run',
    `${plain.rssMb.toFixed(1)} MB (${plain.report.diagnosis.status})`,
    '≤ 80 MB',
    plain.rssMb <= 80,
  );

  // 4c. Rendering: the text report of a pasted command with a 130,000-character word (the URL's
  // last segment), which lands in the diagnosis box's corrected command. Was 23-46 s (boxen wrapped
  // the word in quadratic time); the run's --timeout 5 must bound it.
  const seedSim = spawn(node, [BIN, 'simulate', '--scenario', 'lowercase-bearer'], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  let seedBanner = '';
  const seedBase = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('simulate did not start')), 10_000);
    seedSim.stdout.on('data', (d) => {
      seedBanner += d;
      const match = /Base URL:\s+(http:\/\/127\.0\.0\.1:\d+)/u.exec(seedBanner);
      if (match !== null && /acme-ci-token.*\n/u.test(seedBanner)) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
  });
  const seedToken = /acme-ci-token\s+\S+\s+.+?\s{2,}(\S+)\n/u.exec(seedBanner)?.[1] ?? '';
  const started = process.hrtime.bigint();
  const long = await runWithRss([
    '--timeout',
    '5',
    '--api-url',
    seedBase,
    '--auth-url',
    seedBase,
    '--',
    'curl',
    '-H',
    `Authorization: bearer ${seedToken}`,
    `${seedBase}/2.0/repositories/acme/${'a'.repeat(130_000)}`,
  ]);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  seedSim.kill('SIGTERM');
  line(
    'render text report with a 130,000-character word',
    `${seconds.toFixed(2)} s, ${long.rssMb.toFixed(0)} MB (exit ${long.code})`,
    '≤ 5 s (--timeout 5)',
    seconds <= 5 && long.code === 1 && /HEADER_SCHEME_CASE/u.test(long.stdout),
  );
  console.log(`\nrequests: ${counts.join(' ')}`);
};

// 5. HAR at scale: explain of generated browser HAR exports, time and peak RSS.

/** A small deterministic PRNG (mulberry32), so that every run generates the same HARs. */
const prng = (seed) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

const header = (name, value) => ({ name, value });
const CHROME_UA =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const ASSETS = [
  { type: 'script', ext: 'js', mime: 'application/javascript', base64: false },
  { type: 'stylesheet', ext: 'css', mime: 'text/css', base64: false },
  { type: 'image', ext: 'png', mime: 'image/png', base64: true },
  { type: 'image', ext: 'svg', mime: 'image/svg+xml', base64: true },
  { type: 'font', ext: 'woff2', mime: 'font/woff2', base64: true },
];
const TOKEN_EXPIRED = JSON.stringify({
  type: 'error',
  error: { message: 'Access token expired. Use your refresh token to obtain a new access token.' },
});
const SCOPE_MISSING = JSON.stringify({
  type: 'error',
  error: {
    message: 'Your credentials lack one or more required privilege scopes.',
    detail: { granted: ['repository'], required: ['pullrequest'] },
  },
});

/**
 * One HAR entry as Chrome's "Save all as HAR with content" writes it: request and response headers
 * (HTTP/2 pseudo-headers included), cookies, an _initiator stack, timings and the content, base64
 * for binary assets and JSON-escaped text for scripts and style sheets.
 */
const entry = (i, random, kind, bodyBytes, pool) => {
  const asset = ASSETS[i % ASSETS.length];
  const api = kind !== 'asset';
  const url = api
    ? `https://api.bitbucket.org/2.0/repositories/acme/repo-${i % 97}/pullrequests?state=OPEN`
    : `https://bbc-frontbucket-static.prod-east.frontend.public.atl-paas.net/assets/${asset.type}-${i}.${asset.ext}`;
  const { host, pathname } = new URL(url);
  const start = Math.floor(random() * (pool.length - bodyBytes - 1));
  const raw = pool.slice(start, start + bodyBytes);
  const status = kind === 'expired' ? 401 : kind === 'scope' ? 403 : 200;
  const text = api
    ? status === 401
      ? TOKEN_EXPIRED
      : status === 403
        ? SCOPE_MISSING
        : JSON.stringify({ values: [], pagelen: 10, page: 1 })
    : asset.base64
      ? raw
      : `/* chunk ${i} */\n(function(){"use strict";var a="${raw.slice(0, bodyBytes / 2)}";\n})();`;
  const mime = api ? 'application/json' : asset.mime;
  return {
    _initiator: {
      type: 'script',
      stack: {
        callFrames: [
          {
            functionName: 'l',
            scriptId: '21',
            url: 'https://bitbucket.org/app.js',
            lineNumber: 1,
            columnNumber: 9,
          },
        ],
      },
    },
    _priority: 'High',
    _resourceType: api ? 'fetch' : asset.type,
    cache: {},
    connection: '443',
    pageref: 'page_1',
    request: {
      method: 'GET',
      url,
      httpVersion: 'http/2.0',
      headers: [
        header(':authority', host),
        header(':method', 'GET'),
        header(':path', pathname),
        header(':scheme', 'https'),
        header('accept', api ? 'application/json' : '*/*'),
        header('accept-encoding', 'gzip, deflate, br, zstd'),
        header('accept-language', 'en-GB,en;q=0.9'),
        ...(api ? [header('authorization', 'Bearer bench-fake-access-token-not-a-secret')] : []),
        header('referer', 'https://bitbucket.org/acme/'),
        header('sec-ch-ua', '"Chromium";v="131", "Not_A Brand";v="24"'),
        header('sec-fetch-mode', api ? 'cors' : 'no-cors'),
        header('user-agent', CHROME_UA),
      ],
      queryString: api ? [{ name: 'state', value: 'OPEN' }] : [],
      cookies: [],
      headersSize: -1,
      bodySize: 0,
    },
    response: {
      status,
      statusText: '',
      httpVersion: 'http/2.0',
      headers: [
        header('cache-control', api ? 'no-store' : 'public, max-age=31536000, immutable'),
        header('content-type', mime),
        header('date', 'Mon, 01 Dec 2025 10:00:00 GMT'),
        header('server', 'AtlassianEdge'),
        ...(status === 401 ? [header('www-authenticate', 'Bearer realm="bitbucket.org"')] : []),
        header('x-request-id', `bench-${i}`),
      ],
      cookies: [],
      content: {
        size: text.length,
        mimeType: mime,
        text,
        ...(!api && asset.base64 ? { encoding: 'base64' } : {}),
      },
      redirectURL: '',
      headersSize: -1,
      bodySize: -1,
      _transferSize: text.length + 300,
      _error: null,
    },
    serverIPAddress: '104.192.141.1',
    startedDateTime: new Date(Date.UTC(2025, 11, 1, 10) + i * 7).toISOString(),
    time: 20 + random() * 200,
    timings: { blocked: 1.2, dns: -1, ssl: -1, connect: -1, send: 0.1, wait: 15, receive: 2.5 },
  };
};

/**
 * Writes a HAR of `entries` entries into `file`: mostly 200 static assets whose bodies average
 * `bodyBytes`, one in 200 a Bitbucket API call (one in 1000 a 401 "Access token expired", a few
 * 403s), plus one `bigBodies` asset of several MB every 1000 entries when asked.
 */
const writeHar = async (file, entries, bodyBytes, bigBodies = 0) => {
  const random = prng(entries);
  const pool = Buffer.from(
    Array.from({ length: 3 << 20 }, () => Math.floor(random() * 256)),
  ).toString('base64');
  const out = createWriteStream(file);
  const write = (text) =>
    new Promise((resolve) => (out.write(text) ? resolve() : out.once('drain', resolve)));
  await write(
    '{\n  "log": {\n    "version": "1.2",\n    "creator": {"name": "WebInspector", "version": "537.36"},\n    "pages": [{"startedDateTime": "2025-12-01T10:00:00.000Z", "id": "page_1", "title": "https://bitbucket.org/acme/", "pageTimings": {}}],\n    "entries": [',
  );
  for (let i = 0; i < entries; i += 1) {
    const kind =
      i % 1000 === 500 ? 'expired' : i % 1000 === 700 ? 'scope' : i % 200 === 100 ? 'ok' : 'asset';
    const big = bigBodies > 0 && i % 1000 === 250;
    const size = big ? bigBodies : Math.floor(bodyBytes * (0.2 + 1.6 * random()));
    await write(
      `${i === 0 ? '' : ','}\n${JSON.stringify(entry(i, random, kind, size, pool), null, 2)}`,
    );
  }
  await write('\n    ]\n  }\n}\n');
  await new Promise((resolve) => out.end(resolve));
};

const har = async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bb-doctor-bench-'));
  try {
    const cases = [
      { label: '1k entries', entries: 1_000, bodyBytes: 2_000 },
      { label: '10k entries', entries: 10_000, bodyBytes: 2_000 },
      { label: '100k entries', entries: 100_000, bodyBytes: 2_000 },
      { label: '500 MB', entries: 20_000, bodyBytes: 26_000, bigBodies: 3 << 20 },
    ];
    for (const c of cases) {
      const file = join(dir, `${c.entries}.har`);
      await writeHar(file, c.entries, c.bodyBytes, c.bigBodies);
      const mb = statSync(file).size / 1e6;
      const started = process.hrtime.bigint();
      const result = await json(['explain', file]);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const code = result.report.diagnosis.code ?? result.report.diagnosis.status;
      line(
        `explain HAR, ${c.label} (${mb.toFixed(0)} MB): time, RSS`,
        `${seconds.toFixed(1)} s, ${result.rssMb.toFixed(0)} MB`,
        '≤ 120 s, ≤ 150 MB',
        seconds <= 120 && result.rssMb <= 150 && code === 'TOKEN_EXPIRED',
      );
      rmSync(file);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

if (process.argv[2] === 'package') pack();
else {
  if (process.argv[2] !== 'har') {
    pack();
    await core();
  }
  await har();
}
