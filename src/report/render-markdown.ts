import { CLOUD_HOSTS } from '../knowledge/hosts.js';
import type { Exchange, Verdict } from '../types.js';
import { credentialMarkName, withheldName, type Report } from './model.js';
import { describeExchange } from './render-text.js';

const SYMBOL: Record<Verdict, string> = { pass: '✓', warn: '!', fail: '✗', skip: '–', error: '☠' };

/** Table cells: no pipes or newlines (GitHub and Atlassian's editor both break on them). */
const cell = (text: string): string => text.replace(/\|/gu, '\\|').replace(/\s*\n\s*/gu, ' ');

/** Code fences that cannot be closed by the content. */
const fence = (text: string, lang = ''): string => {
  const ticks = '`'.repeat(Math.max(3, ...[...text.matchAll(/`+/gu)].map((m) => m[0].length + 1)));
  return `${ticks}${lang}\n${text}\n${ticks}`;
};

const exchangeBlock = (exchange: Exchange): string => {
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
  const trace =
    exchange.traceIds === undefined
      ? ''
      : ` · trace ${Object.entries(exchange.traceIds)
          .map(([k, v]) => `\`${k}: ${v}\``)
          .join(', ')}`;
  return [
    '<details>',
    `<summary>${cell(exchange.label ?? 'request')}: <code>${cell(describeExchange(exchange)).replace(/</gu, '&lt;')}</code>${trace}</summary>`,
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
      `**Diagnosis:** ${d.summary ?? ''}`,
      '',
      `**Fix:** ${d.fix ?? ''}`,
    );
    if (d.commands !== undefined && d.commands.length > 0)
      out.push('', fence(d.commands.join('\n'), 'sh'));
    if (d.url !== undefined) out.push('', `Learn more: ${d.url}`);
    if (d.verified !== undefined) out.push('', `**✓ Fix verified:** ${d.verified}`);
    if (d.alsoFound !== undefined)
      out.push('', `Also found: ${d.alsoFound.map((c) => `\`${c}\``).join(', ')}`);
  } else if (d.status === 'error') {
    out.push('## bb-doctor: ☠ no verdict', '', d.summary ?? '', '', `**Fix:** ${d.fix ?? ''}`);
  } else {
    out.push('## bb-doctor: ✓ no problem found', '', 'The credentials work for the target.');
  }
  if (report.target.simulator !== undefined) {
    out.push(
      '',
      `> **Simulator:** this report comes from bb-doctor's embedded Bitbucket Cloud simulator (scenario \`${report.target.simulator.scenario}\`), not from ${CLOUD_HOSTS.website}.`,
    );
  }
  out.push(
    '',
    `_Secrets are redacted: each appears as \`[redacted sha256:XXXXXXXX]\` (first 8 hex digits of its SHA-256), so two tokens can be told apart without seeing either._`,
  );

  const env = report.environment;
  const t = report.target;
  out.push('', '### Environment', '', '| | |', '|---|---|');
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
  for (const [key, value] of rows) if (value !== undefined) out.push(`| ${key} | ${cell(value)} |`);

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
        `| ${c.kind} | ${cell(c.source)} | ${cell(c.username ?? '')} | \`${credentialMarkName(c, index)}\` | ${c.length} |`,
      );
    });
  }
  // A credential withheld from a host is said (contract.md, "Secrets"): one line each.
  const withheld = report.withheld ?? [];
  if (withheld.length > 0) out.push('');
  for (const w of withheld) {
    out.push(
      `- Not sent: ${w.kind} from ${cell(w.source)} (\`${withheldName(report, w)}\`) to ${cell(w.origin)}: ${cell(w.reason)}`,
    );
  }

  out.push('', '### Checks', '', '| | Check | Status | Code | Summary |', '|---|---|---|---|---|');
  for (const check of report.checks) {
    out.push(
      `| ${SYMBOL[check.status]} | \`${check.id}\` | ${check.status} | ${check.code === undefined ? '' : `\`${check.code}\``} | ${cell(check.summary)} |`,
    );
  }
  const findings = report.checks.filter((c) => c.remediation !== undefined);
  if (findings.length > 0) {
    out.push('', '### Findings');
    for (const check of findings) {
      out.push('', `- **\`${check.code ?? ''}\`** (${check.id}): ${check.remediation?.hint ?? ''}`);
      for (const command of check.remediation?.commands ?? [])
        out.push(`  - \`${command.replace(/`/gu, "'")}\``);
      if (check.remediation?.url !== undefined) out.push(`  - ${check.remediation.url}`);
    }
  }
  if (report.warnings.length > 0) {
    out.push('', '### Warnings', '', ...report.warnings.map((w) => `- ${w}`));
  }

  const evidence = report.checks.flatMap((check) =>
    options.verbose ||
    check.status === 'fail' ||
    check.status === 'warn' ||
    check.status === 'error'
      ? check.evidence.map((exchange) => ({ check: check.id, exchange }))
      : [],
  );
  const seen = new Set<Exchange>();
  const unique = evidence.filter(({ exchange }) =>
    seen.has(exchange) ? false : (seen.add(exchange), true),
  );
  if (unique.length > 0) {
    out.push('', '### Evidence', '');
    for (const { exchange } of unique) out.push(exchangeBlock(exchange), '');
  }
  return `${out.join('\n').trimEnd()}\n`;
};
