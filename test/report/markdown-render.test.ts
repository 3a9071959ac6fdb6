import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Marked, type Tokens } from 'marked';
import { describe, expect, it } from 'vitest';
import { isOneToken } from '../../src/report/layout.js';
import type { Report } from '../../src/report/model.js';
import { renderMarkdown } from '../../src/report/render-markdown.js';
import type { Exchange } from '../../src/types.js';
import { runCli } from '../helpers/cli.js';
import { sampleReport } from '../helpers/sample-report.js';

/**
 * The ticket report as GitHub renders it (GitHub-flavoured Markdown, raw HTML passed through as
 * GitHub does before sanitising): what the text says is what the reader sees.
 */
const gfm = new Marked({ gfm: true, breaks: false });
const toHtml = (md: string): string => gfm.parse(md, { async: false });

/** `<token>`-like words of the report's prose: each must stay visible text, never a tag. */
const ANGLED = /<[A-Za-z][^<>\n]*>/gu;

const proseOf = (report: Report): string[] => [
  report.diagnosis.summary ?? '',
  report.diagnosis.fix ?? '',
  ...report.checks.flatMap((c) => [c.summary, c.remediation?.hint ?? '']),
  ...report.warnings,
];

/** The exchanges the report shows as evidence (a failing, warning or crashed check's), once each. */
const evidenceOf = (report: Report): Exchange[] => {
  const seen = new Map<string, Exchange>();
  for (const check of report.checks)
    if (check.status === 'fail' || check.status === 'warn' || check.status === 'error')
      for (const e of check.evidence)
        seen.set(JSON.stringify([e.request, e.response, e.error, e.durationMs, e.traceIds]), e);
  return [...seen.values()];
};

const unescape = (html: string): string =>
  html
    .replace(/&lt;/gu, '<')
    .replace(/&gt;/gu, '>')
    .replace(/&quot;/gu, '"')
    .replace(/&#39;/gu, "'")
    .replace(/&amp;/gu, '&');

/** What a ticket reader must see, checked on the rendered HTML. */
const expectTicketReady = (md: string, report: Report): void => {
  const html = toHtml(md);
  const tokens = gfm.lexer(md);

  // The first heading holds the diagnosis code, and nothing comes before the diagnosis.
  const first = tokens.find((t) => t.type !== 'space');
  expect(first?.type).toBe('heading');
  const heading = (first as Tokens.Heading).text;
  if (report.diagnosis.status === 'fail') expect(heading).toContain(report.diagnosis.code!);
  else expect(heading).toMatch(/no problem found|no verdict/u);
  const h = html.indexOf('<h3');
  if (report.diagnosis.status === 'fail') {
    expect(html.indexOf('<strong>Diagnosis:</strong>')).toBeGreaterThan(-1);
    expect(html.indexOf('<strong>Diagnosis:</strong>')).toBeLessThan(h);
    expect(html.indexOf('<strong>Fix:</strong>')).toBeLessThan(h);
  }

  // Every `<token>` of the prose is visible as text: escaped in the HTML, never a tag.
  for (const text of proseOf(report))
    for (const [angled] of text.matchAll(ANGLED)) {
      expect(html).toContain(angled.replace(/</gu, '&lt;').replace(/>/gu, '&gt;'));
      expect(html).not.toContain(angled);
    }

  // No table has an empty header cell.
  for (const [, th] of html.matchAll(/<th[^>]*>([^<]*)<\/th>/gu)) expect(th!.trim()).not.toBe('');
  // Each table row has as many cells as its header (a pipe in a cell stays in the cell).
  for (const table of html.split('<table>').slice(1)) {
    const [head = '', body = ''] = table.split('<tbody>');
    const columns = [...head.matchAll(/<th[ >]/gu)].length;
    for (const row of body.split('<tr>').slice(1))
      expect([...row.matchAll(/<td[ >]/gu)].length).toBe(columns);
  }

  // One <details> per exchange, with its trace ids in its summary; summaries are plain text.
  const details = html.split('<details>').slice(1);
  const exchanges = evidenceOf(report);
  expect(details).toHaveLength(exchanges.length);
  for (const exchange of exchanges) {
    const ids = Object.values(exchange.traceIds ?? {});
    const block = details.filter((d) =>
      ids.length > 0
        ? ids.every((id) => /<summary>(.*)<\/summary>/su.exec(d)?.[1]?.includes(id))
        : d.includes(`${exchange.request.method} ${exchange.request.url}`),
    );
    expect(block, exchange.label).toHaveLength(1);
  }
  for (const d of details) {
    const summary = /<summary>(.*?)<\/summary>/su.exec(d)?.[1] ?? '';
    expect(summary).not.toContain('`');
    expect(summary).not.toMatch(/<(?!\/?summary)[a-z]/u);
  }

  // The fix commands: in ```sh blocks, each line within 80 columns (or one unbreakable word),
  // continued with ` \`, the same command when the continuations are joined.
  const sh = [...html.matchAll(/<pre><code class="language-sh">([\s\S]*?)<\/code><\/pre>/gu)].map(
    (m) => unescape(m[1]!),
  );
  const commands = [
    ...(report.diagnosis.commands ?? []),
    ...report.checks.flatMap((c) => c.remediation?.commands ?? []),
  ];
  if (commands.length > 0) expect(sh.length).toBeGreaterThan(0);
  const joined = sh.join('\n').replace(/ \\\n +/gu, ' ');
  for (const command of commands) expect(joined).toContain(command);
  for (const line of sh.join('\n').split('\n'))
    expect(line.length <= 80 || isOneToken(line), line).toBe(true);
};

describe('the Markdown report, rendered as GitHub renders it', () => {
  it('a report with <token>, pipes and backticks in its prose and a backtick in a command', () => {
    const sample = sampleReport();
    const report: Report = {
      ...sample,
      diagnosis: {
        ...sample.diagnosis,
        summary: 'Send "Authorization: Bearer <token>"; a `$(cat token)` was never run.',
        commands: [
          'curl -H "Authorization: Bearer `cat token`" https://api.bitbucket.org/2.0/user',
        ],
      },
      checks: sample.checks.map((c) =>
        c.id === 'header-casing'
          ? { ...c, summary: 'a | b, `code`, <token> and *stars* _here_' }
          : c,
      ),
    };
    const md = renderMarkdown(report, { verbose: false });
    expectTicketReady(md, report);
    const html = toHtml(md);
    expect(html).toContain('a | b, `code`, &lt;token&gt; and *stars* _here_');
    expect(html).toContain('Bearer &lt;token&gt;&quot;; a `$(cat token)` was never run.');
    expect(unescape(html)).toContain('curl -H "Authorization: Bearer `cat token`"');
  });

  it("the same exchange in two checks' evidence is shown once, with both checks named", () => {
    const sample = sampleReport();
    const shared = sample.checks.find((c) => c.id === 'header-casing')!.evidence[0]!;
    const report: Report = {
      ...sample,
      checks: sample.checks.map((c) =>
        c.id === 'public-private-contrast'
          ? { ...c, evidence: [{ ...shared, response: { ...shared.response! } }] }
          : c,
      ),
    };
    const md = renderMarkdown(report, { verbose: false });
    expect(md.split('<details>')).toHaveLength(2);
    expect(md).toContain('checks: header-casing, public-private-contrast</summary>');
    expectTicketReady(md, report);
  });

  const dir = mkdtempSync(join(tmpdir(), 'bb-md-'));
  const SCENARIOS = [
    'lowercase-bearer',
    'git-api-token-email',
    'wrong-header-name',
    'secret-unexpanded',
    'endpoint-removed',
    'healthy',
    'dc-basic-disabled',
  ];
  it.concurrent.each(SCENARIOS)(
    'demo %s: heading with the code, diagnosis first, <token> visible, one <details> per exchange',
    { timeout: 60_000 },
    async (name) => {
      // One run, two outputs: the Markdown on stdout and the JSON it was rendered from.
      const json = join(dir, `${name}.json`);
      const result = await runCli(['demo', name, '--format', 'markdown', '--output', json]);
      expect(result.stderr).not.toContain('internal error');
      const report = JSON.parse(readFileSync(json, 'utf8')) as Report;
      expectTicketReady(result.stdout, report);
    },
  );

  it('the default demo says `<token>` and has a duplicate exchange: both handled', async () => {
    const json = join(dir, 'default.json');
    const result = await runCli(['demo', '--format', 'markdown', '--output', json]);
    const report = JSON.parse(readFileSync(json, 'utf8')) as Report;
    const html = toHtml(result.stdout);
    expect(html).toContain('&quot;Bearer &lt;token&gt;&quot;');
    // The call replayed as sent is evidence of several checks (header-casing, the contrast,
    // target-call: one request, memoised): shown once.
    const label = 'your call, replayed as sent';
    expect(
      report.checks.filter((c) => c.evidence.some((e) => e.label === label)).length,
    ).toBeGreaterThan(1);
    expect(html.split(label)).toHaveLength(2);
  });
});
