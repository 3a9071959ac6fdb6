// `npm run bench`: the timing goals of issues #4 and #6, measured on this machine and printed.
// Not a test: figures vary with the machine; a test would flake. Run after `npm run build`.
import { spawn, spawnSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
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
console.log(`\nrequests: ${counts.join(' ')}`);
