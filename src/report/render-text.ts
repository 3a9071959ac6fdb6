import { SHOWN_RESPONSE_HEADERS } from '../knowledge/headers.js';
import { CLOUD_HOSTS } from '../knowledge/hosts.js';
import boxen from 'boxen';
import type { CheckReport, Exchange, Verdict } from '../types.js';
import { credentialMarkName, withheldName, type Report } from './model.js';

export interface TextOptions {
  /** ANSI colour (only on a TTY, never with NO_COLOR: the CLI decides). */
  readonly color: boolean;
  /** Every exchange, the details and crash stacks. */
  readonly verbose: boolean;
  /** Wrap width; the report stays readable at 80 columns. */
  readonly width?: number;
}

const SYMBOL: Record<Verdict, string> = { pass: '✓', warn: '!', fail: '✗', skip: '-', error: '☠' };
const COLOUR: Record<Verdict, number> = { pass: 32, warn: 33, fail: 31, skip: 90, error: 35 };

type Paint = (code: number, text: string) => string;

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/**
 * Greedy word wrap in one pass (linear in the text). Words longer than the width (URLs, tokens)
 * stay whole, unless `hard`: then they are cut into chunks of the width (the diagnosis box, whose
 * boxen would otherwise cut them itself, in time quadratic in the word's length).
 */
export const wrap = (text: string, width: number, indent = '', hard = false): string[] => {
  const lines: string[] = [];
  const room = Math.max(1, width - indent.length);
  for (const paragraph of text.split('\n')) {
    let line = '';
    // A redaction mark (`[redacted sha256:1a2b3c4d]`) is one word: it is never split over lines.
    for (let word of paragraph.split(/ +(?!sha256:[0-9a-f]{8}\])/u)) {
      if (hard && word.length > room) {
        if (line !== '') lines.push(indent + line);
        let at = 0;
        for (; word.length - at > room; at += room) lines.push(indent + word.slice(at, at + room));
        line = '';
        word = word.slice(at);
      }
      if (line !== '' && indent.length + line.length + 1 + word.length > width) {
        lines.push(indent + line);
        line = word;
      } else {
        line = line === '' ? word : `${line} ${word}`;
      }
    }
    lines.push(indent + line);
  }
  return lines;
};

/** The longest word the diagnosis box shows whole; the checks below show it all. */
export const MAX_BOX_WORD = 1_000;

const LONG_WORD = new RegExp(`[^ ]{${MAX_BOX_WORD + 1},}`, 'gu');

const shorten = (line: string): string =>
  line.replace(LONG_WORD, (word) => `${word.slice(0, MAX_BOX_WORD)}… (${word.length} characters)`);

/**
 * Lines that fit the box: a longer one (a long command word, a long URL) is wrapped hard, its words
 * cut to MAX_BOX_WORD characters first (boxen takes a few microseconds a character: the box stays
 * a summary, and rendering well within the run's deadline).
 */
const fitting = (lines: readonly string[], width: number): string[] =>
  lines.flatMap((line) => (line.length > width ? wrap(shorten(line), width, '', true) : [line]));

/** Shell words of a command, keeping quoted parts together (for line breaks only). */
const shellWords = (command: string): string[] =>
  command.match(/(?:[^\s"']+|"[^"]*"|'[^']*')+/gu) ?? [command];

/**
 * A command that stays copy-pasteable when it is too long: broken between words with ` \`
 * continuations, never inside a word or a quoted string.
 */
export const commandLines = (command: string, width: number, indent: string): string[] => {
  const first = `${indent}$ `;
  if (first.length + command.length <= width) return [first + command];
  const lines: string[] = [];
  let line = '';
  const lead = (): string => (lines.length === 0 ? first : `${indent}    `);
  for (const word of shellWords(command)) {
    if (line !== '' && lead().length + line.length + 1 + word.length + 2 > width) {
      lines.push(`${lead()}${line} \\`);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  lines.push(lead() + line);
  return lines;
};

const pathOf = (url: string): string => {
  try {
    const parsed = new URL(url);
    return `${parsed.host}${parsed.pathname}${parsed.search}`;
  } catch {
    return url;
  }
};

export const describeExchange = (exchange: Exchange): string => {
  const outcome =
    exchange.response !== undefined
      ? String(exchange.response.status)
      : `no answer (${exchange.error?.code ?? 'unknown'})`;
  return `${exchange.request.method} ${pathOf(exchange.request.url)} → ${outcome} (${exchange.durationMs} ms)`;
};

const exchangeLines = (exchange: Exchange, indent: string, width: number): string[] => {
  const lines = [`${indent}${exchange.label ?? 'request'}: ${describeExchange(exchange)}`];
  for (const [name, value] of Object.entries(exchange.request.headers)) {
    if (name === 'user-agent' || name === 'accept') continue;
    lines.push(...wrap(`> ${name}: ${value}`, width, `${indent}  `));
  }
  if (exchange.response !== undefined) {
    for (const [name, value] of Object.entries(exchange.response.headers)) {
      if (!SHOWN_RESPONSE_HEADERS.test(name)) continue;
      lines.push(...wrap(`< ${name}: ${value}`, width, `${indent}  `));
    }
    const body = exchange.response.body.trim();
    if (body !== '') {
      const shown = body.length > 300 ? `${body.slice(0, 300)}…` : body;
      lines.push(...wrap(`< ${shown.replace(/\s*\n\s*/gu, ' ')}`, width, `${indent}  `));
    }
  } else if (exchange.error !== undefined) {
    lines.push(`${indent}  ${exchange.error.code}: ${exchange.error.message}`);
  }
  if (exchange.traceIds !== undefined) {
    lines.push(
      `${indent}  trace: ${Object.entries(exchange.traceIds)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ')}`,
    );
  }
  return lines;
};

const checkLines = (
  check: CheckReport,
  paint: Paint,
  options: TextOptions,
  width: number,
): string[] => {
  const symbol = paint(COLOUR[check.status], SYMBOL[check.status]);
  const head = `${check.id}: ${check.summary}`;
  const [first = '', ...rest] = wrap(head, width - 4);
  const lines = [`  ${symbol} ${first}`, ...rest.map((line) => `      ${line}`)];
  if (check.remediation !== undefined) {
    const code = check.code === undefined ? '' : `[${check.code}] `;
    lines.push(...wrap(`→ ${code}${check.remediation.hint}`, width, '      '));
    for (const command of check.remediation.commands ?? [])
      lines.push(...commandLines(command, width, '        '));
    if (check.remediation.url !== undefined)
      lines.push(`      Learn more: ${check.remediation.url}`);
  }
  if (options.verbose) {
    for (const detail of check.details ?? [])
      lines.push(...wrap(detail, width, '      · '.padEnd(8)));
    for (const exchange of check.evidence) lines.push(...exchangeLines(exchange, '      ', width));
    if (check.error?.stack !== undefined)
      lines.push(...check.error.stack.split('\n').map((l) => `      ${l}`));
  } else if (check.status === 'error' && check.error !== undefined) {
    lines.push(`      ${check.error.message}`);
  }
  return lines;
};

const diagnosisBox = (
  report: Report,
  paint: Paint,
  options: TextOptions,
  width: number,
): string => {
  const { diagnosis } = report;
  const inner = Math.min(width, 80) - 4;
  let title: string;
  let body: string[];
  let colour: 'green' | 'red' | 'magenta';
  if (diagnosis.status === 'pass') {
    title = 'Diagnosis: no problem found';
    colour = 'green';
    body = wrap(
      report.counts.warn > 0
        ? `The credentials work for the target. ${plural(report.counts.warn, 'warning')} below.`
        : 'The credentials work for the target.',
      inner,
    );
  } else if (diagnosis.status === 'error') {
    title = 'Diagnosis: no verdict';
    colour = 'magenta';
    body = [...wrap(diagnosis.summary ?? '', inner), ...wrap(`Fix: ${diagnosis.fix ?? ''}`, inner)];
  } else {
    title = `Diagnosis: ${diagnosis.code ?? ''}`;
    colour = 'red';
    body = [
      ...wrap(diagnosis.summary ?? '', inner),
      '',
      ...wrap(`Fix: ${diagnosis.fix ?? ''}`, inner),
    ];
    for (const command of diagnosis.commands ?? []) body.push(...commandLines(command, inner, ''));
    if (diagnosis.url !== undefined) body.push(`Learn more: ${diagnosis.url}`);
    if (diagnosis.verified !== undefined)
      body.push('', ...wrap(`✓ Fix verified: ${diagnosis.verified}`, inner));
    if (diagnosis.alsoFound !== undefined)
      body.push('', ...wrap(`Also found: ${diagnosis.alsoFound.join(', ')}`, inner));
  }
  return boxen(fitting(body, inner).join('\n'), {
    title: paint(1, title),
    padding: { left: 1, right: 1, top: 0, bottom: 0 },
    borderStyle: 'round',
    ...(options.color ? { borderColor: colour } : {}),
  });
};

/** The report for a terminal: pure, colour is an input. */
export const renderText = (report: Report, options: TextOptions): string => {
  const width = options.width ?? 80;
  const paint: Paint = options.color
    ? (code, text) => `\u001B[${code}m${text}\u001B[0m`
    : (_code, text) => text;
  const out: string[] = [];
  const { target } = report;
  const where = [target.apiUrl, target.workspace, target.repo]
    .filter((x) => x !== undefined)
    .join(' · ');
  out.push(
    paint(1, `bb-doctor ${report.tool.version}`) +
      ` · ${report.mode === 'explain' ? 'explaining a saved exchange' : where}`,
  );
  if (target.simulator !== undefined) {
    out.push(
      ...wrap(
        `SIMULATOR: this run talks to bb-doctor's embedded Bitbucket Cloud simulator (scenario "${target.simulator.scenario}") on ${target.apiUrl}, not to ${CLOUD_HOSTS.website}.`,
        width,
      ).map((l) => paint(36, l)),
    );
  }
  if (target.capture !== undefined) {
    out.push(`Offline: ${target.capture.file} (${target.capture.format}); no request was sent.`);
  }
  out.push('', diagnosisBox(report, paint, options, width), '', paint(1, 'Checks'));
  for (const check of report.checks) out.push(...checkLines(check, paint, options, width));

  if (report.credentials.length > 0) {
    out.push('', paint(1, 'Credentials'));
    report.credentials.forEach((c, index) => {
      const user = c.username === undefined ? '' : ` as ${c.username}`;
      out.push(
        ...wrap(
          `${c.kind}${user} from ${c.source} (${credentialMarkName(c, index)}, ${c.length} chars)`,
          width,
          '  ',
        ),
      );
      for (const note of c.notes ?? []) out.push(...wrap(`! ${note}`, width, '    '));
    });
  }
  // A credential withheld from a host is said (contract.md, "Secrets"): one line each.
  for (const w of report.withheld ?? []) {
    out.push(
      ...wrap(
        `! not sent: ${w.kind} from ${w.source} (${withheldName(report, w)}) to ${w.origin}: ${w.reason}`,
        width,
        '  ',
      ),
    );
  }
  if (report.warnings.length > 0) {
    out.push('', paint(1, 'Warnings'));
    for (const warning of report.warnings) out.push(...wrap(`! ${warning}`, width, '  '));
  }
  if (options.verbose && report.exchanges !== undefined && report.exchanges.length > 0) {
    out.push('', paint(1, `Every exchange (${report.exchanges.length})`));
    for (const exchange of report.exchanges) out.push(...exchangeLines(exchange, '  ', width));
  }
  const c = report.counts;
  out.push(
    '',
    paint(
      90,
      [
        `${c.pass} passed`,
        plural(c.warn, 'warning'),
        `${c.fail} failed`,
        `${c.skip} skipped`,
        `${c.error} crashed`,
        plural(report.requests, 'request'),
        `${report.durationMs} ms`,
      ].join(' · '),
    ),
  );
  return `${out.join('\n')}\n`;
};
