import { CLOUD_HOSTS } from '../knowledge/hosts.js';
import type { Exchange, Verdict } from '../types.js';
import { credentialMarkName, withheldName, type Report } from './model.js';
import { shellLines } from './layout.js';
import { describeExchange } from './render-text.js';

const SYMBOL: Record<Verdict, string> = { pass: '✓', warn: '!', fail: '✗', skip: '–', error: '☠' };

/** The width of the fix commands' lines in the report (a ticket's code block). */
const COMMAND_WIDTH = 80;

/**
 * Prose for GitHub, Bitbucket and Jira: what the text says, never read as Markdown or HTML.
 * `<token>` stays visible (`<` `>` as entities), backticks, `*`, a `_` that could start emphasis and
 * backslashes are escaped; a URL is left whole so that it stays a link.
 */
export const md = (text: string): string =>
  text
    .split(/(\s+)/u)
    .map((word) =>
      /^[a-z][a-z0-9+.-]*:\/\/[^\s<>`]+$/iu.test(word)
        ? word
        : word
            .replace(/[\\`*]/gu, (c) => `\\${c}`)
            .replace(/(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])/gu, '\\_')
            .replace(/&(?=#?\w+;)/gu, '&amp;')
            .replace(/</gu, '&lt;')
            .replace(/>/gu, '&gt;'),
    )
    .join('');

/** HTML text (the `<summary>` line, where Markdown is not read): escaped, nothing else. */
const html = (text: string): string =>
  text
    .replace(/&/gu, '&amp;')
    .replace(/</gu, '&lt;')
    .replace(/>/gu, '&gt;')
    .replace(/"/gu, '&quot;');

/** Table cells: no pipes or newlines (GitHub and Atlassian's editor both break on them). */
const cell = (text: string): string => text.replace(/\|/gu, '\\|').replace(/\s*\n\s*/gu, ' ');

/** Inline code that any backtick inside cannot close (CommonMark: a longer run, padded). */
export const code = (text: string): string => {
  const longest = Math.max(0, ...[...text.matchAll(/`+/gu)].map((m) => m[0].length));
  const ticks = '`'.repeat(longest + 1);
  const pad = longest > 0 ? ' ' : '';
  return `${ticks}${pad}${text}${pad}${ticks}`;
};

/** Code fences that cannot be closed by the content, indented by `indent` (inside a list item). */
const fence = (text: string, lang = '', indent = ''): string => {
  const ticks = '`'.repeat(Math.max(3, ...[...text.matchAll(/`+/gu)].map((m) => m[0].length + 1)));
  return [`${ticks}${lang}`, ...text.split('\n'), ticks].map((l) => indent + l).join('\n');
};

/** Fix commands in a ```sh block, each continued with ` \` between words past 80 columns. */
const commandBlock = (commands: readonly string[], indent = ''): string =>
  fence(
    commands.flatMap((c) => shellLines(c, COMMAND_WIDTH - indent.length, '', '    ')).join('\n'),
    'sh',
    indent,
  );

/** The same exchange, wherever it is evidence (two checks may show one request): its identity. */
const identity = (exchange: Exchange): string =>
  JSON.stringify([
    exchange.request,
    exchange.response ?? null,
    exchange.error ?? null,
    exchange.durationMs,
    exchange.traceIds ?? null,
  ]);

const traceText = (exchange: Exchange): string =>
  exchange.traceIds === undefined
    ? ''
    : ` · trace ${Object.entries(exchange.traceIds)
        .map(([k, v]) => `${k}: ${v}`)
        .join(', ')}`;

const exchangeBlock = (exchange: Exchange, checks: readonly string[]): string => {
  const lines = [`${exchange.request.method} ${exchange.request.url}`];
  for (const [name, value] of Object.entries(exchange.request.headers))
    lines.push(`${name}: ${value}`);
  if (exchange.request.body !== undefined) lines.push('', exchange.request.body);
  lines.push('');
  if (exchange.response !== undefined) {
    lines.push(`HTTP ${exchange.response.status}`);
    for (const [name, value] of Object.entries(exchange.response.headers))
      lines.push(`${name}: ${value}`);
    lines.push(
      '',
      exchange.response.body + (exchange.response.bodyTruncated === true ? '\n[… truncated]' : ''),
    );
  } else if (exchange.error !== undefined) {
    lines.push(`(no response) ${exchange.error.code}: ${exchange.error.message}`);
  }
  // Plain text: Markdown is not read inside this HTML line.
  const summary = `${exchange.label ?? 'request'}: ${describeExchange(exchange)}${traceText(exchange)} · ${checks.length === 1 ? 'check' : 'checks'}: ${checks.join(', ')}`;
  return [
    '<details>',
    `<summary>${html(summary.replace(/\s*\n\s*/gu, ' '))}</summary>`,
    '',
    fence(lines.join('\n'), 'http'),
    '',
    '</details>',
  ].join('\n');
};

/** The report for a support ticket: the diagnosis first, then environment, checks, evidence. */
export const renderMarkdown = (report: Report, options: { readonly verbose: boolean }): string => {
  const out: string[] = [];
  const d = report.diagnosis;
  if (d.status === 'fail') {
    out.push(
      `## bb-doctor: ✗ \`${d.code ?? ''}\``,
      '',
      `**Diagnosis:** ${md(d.summary ?? '')}`,
      '',
      `**Fix:** ${md(d.fix ?? '')}`,
    );
    if (d.commands !== undefined && d.commands.length > 0) out.push('', commandBlock(d.commands));
    if (d.url !== undefined) out.push('', `Learn more: ${d.url}`);
    if (d.verified !== undefined) out.push('', `**✓ Fix verified:** ${md(d.verified)}`);
    if (d.alsoFound !== undefined)
      out.push('', `Also found: ${d.alsoFound.map((c) => code(c)).join(', ')}`);
  } else if (d.status === 'error') {
    out.push(
      '## bb-doctor: ☠ no verdict',
      '',
      md(d.summary ?? ''),
      '',
      `**Fix:** ${md(d.fix ?? '')}`,
    );
  } else {
    out.push('## bb-doctor: ✓ no problem found', '', 'The credentials work for the target.');
  }
  if (report.target.simulator !== undefined) {
    out.push(
      '',
      `> **Simulator:** this report comes from bb-doctor's embedded Bitbucket ${report.target.product === 'data-center' ? 'Data Center' : 'Cloud'} simulator (scenario ${code(report.target.simulator.scenario)}), not from ${report.target.product === 'data-center' ? 'a real server' : CLOUD_HOSTS.website}.`,
    );
  }
  out.push(
    '',
    `_Secrets are redacted: each appears as \`[redacted sha256:XXXXXXXX]\` (first 8 hex digits of its SHA-256), so two tokens can be told apart without seeing either._`,
  );

  const env = report.environment;
  const t = report.target;
  out.push('', '### Environment', '', '| Item | Value |', '|---|---|');
  const rows: [string, string | undefined][] = [
    ['bb-doctor', env.bbDoctor],
    ['Node.js', env.node],
    ['OS', env.os],
    ['Proxy', env.proxy ?? 'none'],
    ['Generated', report.generatedAt],
    ['Product', t.product],
    ['API URL', t.apiUrl],
    ['Auth URL', t.authUrl],
    ['Workspace', t.workspace],
    ['Repository', t.repo],
    ['Target URL', t.url],
    [
      'Saved exchange',
      t.capture === undefined ? undefined : `${t.capture.file} (${t.capture.format})`,
    ],
    ['Requests sent', String(report.requests)],
    ['Duration', `${report.durationMs} ms`],
  ];
  for (const [key, value] of rows)
    if (value !== undefined) out.push(`| ${key} | ${cell(md(value))} |`);

  if (report.credentials.length > 0) {
    out.push(
      '',
      '### Credentials',
      '',
      '| Kind | Source | Username | Fingerprint | Length |',
      '|---|---|---|---|---|',
    );
    report.credentials.forEach((c, index) => {
      out.push(
        `| ${c.kind} | ${cell(md(c.source))} | ${cell(md(c.username ?? ''))} | ${code(credentialMarkName(c, index))} | ${c.length} |`,
      );
    });
  }
  // A credential withheld from a host is said (contract.md, "Secrets"): one line each.
  const withheld = report.withheld ?? [];
  if (withheld.length > 0) out.push('');
  for (const w of withheld) {
    out.push(
      `- Not sent: ${w.kind} from ${md(w.source)} (${code(withheldName(report, w))}) to ${w.origin}: ${md(w.reason)}`,
    );
  }

  out.push('', '### Checks', '', '| Status | Check | Code | Summary |', '|---|---|---|---|');
  for (const check of report.checks) {
    out.push(
      `| ${SYMBOL[check.status]} ${check.status} | ${code(check.id)} | ${check.code === undefined ? '' : code(check.code)} | ${cell(md(check.summary))} |`,
    );
  }
  const findings = report.checks.filter((c) => c.remediation !== undefined);
  if (findings.length > 0) {
    out.push('', '### Findings');
    for (const check of findings) {
      out.push(
        '',
        `- **${code(check.code ?? '')}** (${check.id}): ${md(check.remediation?.hint ?? '')}`,
      );
      const commands = check.remediation?.commands ?? [];
      if (commands.length > 0) out.push('', commandBlock(commands, '  '));
      if (check.remediation?.url !== undefined)
        out.push('', `  Learn more: ${check.remediation.url}`);
    }
  }
  if (report.warnings.length > 0) {
    out.push('', '### Warnings', '', ...report.warnings.map((w) => `- ${md(w)}`));
  }

  const evidence = report.checks.flatMap((check) =>
    options.verbose ||
    check.status === 'fail' ||
    check.status === 'warn' ||
    check.status === 'error'
      ? check.evidence.map((exchange) => ({ check: check.id, exchange }))
      : [],
  );
  // Each exchange once, with the checks that show it (the header as sent is the evidence of
  // header-casing and of public-private-contrast).
  const unique = new Map<string, { exchange: Exchange; checks: string[] }>();
  for (const { check, exchange } of evidence) {
    const key = identity(exchange);
    const seen = unique.get(key);
    if (seen === undefined) unique.set(key, { exchange, checks: [check] });
    else if (!seen.checks.includes(check)) seen.checks.push(check);
  }
  if (unique.size > 0) {
    out.push('', '### Evidence', '');
    for (const { exchange, checks } of unique.values())
      out.push(exchangeBlock(exchange, checks), '');
  }
  return `${out.join('\n').trimEnd()}\n`;
};
