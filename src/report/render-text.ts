import { SHOWN_RESPONSE_HEADERS } from '../knowledge/headers.js';
import { CLOUD_HOSTS } from '../knowledge/hosts.js';
import boxen from 'boxen';
import { commandLines, joinLines, linkLines, wrap } from './layout.js';
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

export { commandLines, wrap } from './layout.js';

/** The longest word the diagnosis box shows whole; the checks below show it all. */
export const MAX_BOX_WORD = 1_000;

const LONG_WORD = new RegExp(`[^ ]{${MAX_BOX_WORD + 1},}`, 'gu');

/** A word past MAX_BOX_WORD cut with its length said: the box and its notes stay a summary. */
const shorten = (line: string): string =>
  line.replace(LONG_WORD, (word) => `${word.slice(0, MAX_BOX_WORD)}… (${word.length} characters)`);

/**
 * Lines that fit the box: a longer one is wrapped hard (a safety net: the box's words are fitted
 * before, see diagnosisBox), its words cut to MAX_BOX_WORD characters first (boxen takes a few
 * microseconds a character).
 */
const fitting = (lines: readonly string[], width: number): string[] =>
  lines.flatMap((line) => (line.length > width ? wrap(shorten(line), width, '', true) : [line]));

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
  const lines = wrap(
    `${exchange.label ?? 'request'}: ${describeExchange(exchange)}`,
    width,
    `${indent}    `,
    false,
    indent,
  );
  const more = `${indent}  `;
  for (const [name, value] of Object.entries(exchange.request.headers)) {
    if (name === 'user-agent' || name === 'accept') continue;
    lines.push(...wrap(`> ${name}: ${value}`, width, `${more}  `, false, more));
  }
  if (exchange.response !== undefined) {
    for (const [name, value] of Object.entries(exchange.response.headers)) {
      if (!SHOWN_RESPONSE_HEADERS.test(name)) continue;
      lines.push(...wrap(`< ${name}: ${value}`, width, `${more}  `, false, more));
    }
    const body = exchange.response.body.trim();
    if (body !== '') {
      const shown = body.length > 300 ? `${body.slice(0, 300)}…` : body;
      // A body is read, not copied (the Markdown and HAR reports have it whole): its long words,
      // JSON without spaces, are cut to the width.
      lines.push(...wrap(`< ${shown.replace(/\s*\n\s*/gu, ' ')}`, width, `${more}  `, true, more));
    }
  } else if (exchange.error !== undefined) {
    lines.push(
      ...wrap(`${exchange.error.code}: ${exchange.error.message}`, width, `${more}  `, false, more),
    );
  }
  if (exchange.traceIds !== undefined) {
    lines.push(
      ...wrap(
        `trace: ${Object.entries(exchange.traceIds)
          .map(([k, v]) => `${k}=${v}`)
          .join(' ')}`,
        width,
        `${more}  `,
        false,
        more,
      ),
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
  const [first = '', ...rest] = wrap(
    `${check.id}: ${check.summary}`,
    width,
    '      ',
    false,
    '    ',
  );
  const lines = [`  ${symbol} ${first.slice(4)}`, ...rest];
  if (check.remediation !== undefined) {
    const code = check.code === undefined ? '' : `[${check.code}] `;
    lines.push(...wrap(`→ ${code}${check.remediation.hint}`, width, '      '));
    for (const command of check.remediation.commands ?? [])
      lines.push(...commandLines(command, width, '        '));
    if (check.remediation.url !== undefined)
      lines.push(...linkLines('Learn more:', check.remediation.url, width, '      '));
  }
  if (options.verbose) {
    for (const detail of check.details ?? [])
      lines.push(...wrap(detail, width, '        ', false, '      · '));
    for (const exchange of check.evidence) lines.push(...exchangeLines(exchange, '      ', width));
    if (check.error?.stack !== undefined)
      for (const line of check.error.stack.split('\n')) {
        const lead = `      ${/^\s*/u.exec(line)?.[0] ?? ''}`;
        lines.push(...wrap(line.trim(), width, `${lead}    `, false, lead));
      }
  } else if (check.status === 'error' && check.error !== undefined) {
    lines.push(...wrap(check.error.message, width, '      '));
  }
  return lines;
};

/**
 * The diagnosis box, as wide as the terminal up to 80 columns. What cannot be copied out of a box
 * goes under it, unboxed and whole: a command that needs more than one line of the box (its ` \`
 * lines would be copied with the box's borders), a "Learn more" link that does not fit a line of
 * the box, and a word of the prose longer than a line of the box (a URL: the box shows `[1]`, the
 * line under it `[1] URL`). Nothing in the box is ever cut.
 */
const diagnosisBox = (
  report: Report,
  paint: Paint,
  options: TextOptions,
  width: number,
): string[] => {
  const { diagnosis } = report;
  const boxWidth = Math.min(width, 80);
  const inner = boxWidth - 4;
  const notes: string[] = [];
  const under: string[] = [];
  /** Prose for the box: a word that no line of the box holds becomes a numbered note under it. */
  const prose = (text: string): string[] =>
    wrap(
      text
        .split(' ')
        .map((word) => {
          if (word.length <= inner) return word;
          const [, lead = '', core = word, tail = ''] =
            /^([("'`]*)(.*?)([)"'`.,;:]*)$/u.exec(word) ?? [];
          notes.push(core);
          return `${lead}[${notes.length}]${tail}`;
        })
        .join(' '),
      inner,
    );
  let title: string;
  let body: string[];
  let colour: 'green' | 'red' | 'magenta';
  if (diagnosis.status === 'pass') {
    title = 'Diagnosis: no problem found';
    colour = 'green';
    body = prose(
      report.counts.warn > 0
        ? `The credentials work for the target. ${plural(report.counts.warn + report.warnings.length, 'warning')} below.`
        : 'The credentials work for the target.',
    );
  } else if (diagnosis.status === 'error') {
    title = 'Diagnosis: no verdict';
    colour = 'magenta';
    body = [...prose(diagnosis.summary ?? ''), ...prose(`Fix: ${diagnosis.fix ?? ''}`)];
  } else {
    title = `Diagnosis: ${diagnosis.code ?? ''}`;
    colour = 'red';
    body = [...prose(diagnosis.summary ?? ''), '', ...prose(`Fix: ${diagnosis.fix ?? ''}`)];
    let below = false;
    for (const command of diagnosis.commands ?? []) {
      const boxed = commandLines(command, inner, '');
      if (boxed.length === 1) body.push(...boxed);
      else {
        under.push(...commandLines(command, width, ''));
        below = true;
      }
    }
    if (below) body.push('Run the command printed under this box.');
    if (diagnosis.url !== undefined) {
      const link = `Learn more: ${diagnosis.url}`;
      if (link.length <= inner) body.push(link);
      else under.push(...linkLines('Learn more:', diagnosis.url, width, ''));
    }
    if (diagnosis.verified !== undefined)
      body.push('', ...prose(`✓ Fix verified: ${diagnosis.verified}`));
    if (diagnosis.alsoFound !== undefined)
      body.push('', ...prose(`Also found: ${diagnosis.alsoFound.join(', ')}`));
  }
  notes.forEach((note, index) => under.push(...linkLines(`[${index + 1}]`, note, width, '')));
  const box = boxen(fitting(body, inner).join('\n'), {
    title: paint(1, title),
    // The width is the report's, never boxen's own guess from the process's terminal.
    width: boxWidth,
    padding: { left: 1, right: 1, top: 0, bottom: 0 },
    borderStyle: 'round',
    ...(options.color ? { borderColor: colour } : {}),
  });
  return [box, ...under];
};

/** The report for a terminal: pure, colour and width are inputs. */
export const renderText = (report: Report, options: TextOptions): string => {
  const width = options.width ?? 80;
  const paint: Paint = options.color
    ? (code, text) => `\u001B[${code}m${text}\u001B[0m`
    : (_code, text) => text;
  const out: string[] = [];
  const { target } = report;
  const where = [target.apiUrl, target.workspace, target.repo].filter(
    (x): x is string => x !== undefined,
  );
  const name = `bb-doctor ${report.tool.version}`;
  const [head = '', ...headRest] = joinLines(
    [name, ...(report.mode === 'explain' ? ['explaining a saved exchange'] : where)],
    width,
  );
  out.push(paint(1, name) + head.slice(name.length), ...headRest);
  if (target.simulator !== undefined) {
    out.push(
      ...wrap(
        target.product === 'data-center'
          ? `SIMULATOR: this run talks to bb-doctor's embedded Bitbucket Data Center simulator (scenario "${target.simulator.scenario}") on ${target.apiUrl}, not to a real server.`
          : `SIMULATOR: this run talks to bb-doctor's embedded Bitbucket Cloud simulator (scenario "${target.simulator.scenario}") on ${target.apiUrl}, not to ${CLOUD_HOSTS.website}.`,
        width,
      ).map((l) => paint(36, l)),
    );
  }
  if (target.capture !== undefined) {
    out.push(
      ...wrap(
        `Offline: ${target.capture.file} (${target.capture.format}); no request was sent.`,
        width,
        '  ',
      ),
    );
  }
  out.push('', ...diagnosisBox(report, paint, options, width), '', paint(1, 'Checks'));
  for (const check of report.checks) out.push(...checkLines(check, paint, options, width));

  if (report.credentials.length > 0) {
    out.push('', paint(1, 'Credentials'));
    report.credentials.forEach((c, index) => {
      const user = c.username === undefined ? '' : ` as ${c.username}`;
      out.push(
        ...wrap(
          `${c.kind}${user} from ${c.source} (${credentialMarkName(c, index)}, ${c.length} chars)`,
          width,
          '    ',
          false,
          '  ',
        ),
      );
      for (const note of c.notes ?? [])
        out.push(...wrap(`! ${note}`, width, '      ', false, '    '));
    });
  }
  // A credential withheld from a host is said (contract.md, "Secrets"): one line each.
  for (const w of report.withheld ?? []) {
    out.push(
      ...wrap(
        `! not sent: ${w.kind} from ${w.source} (${withheldName(report, w)}) to ${w.origin}: ${w.reason}`,
        width,
        '    ',
        false,
        '  ',
      ),
    );
  }
  if (report.warnings.length > 0) {
    out.push('', paint(1, 'Warnings'));
    for (const warning of report.warnings)
      out.push(...wrap(`! ${warning}`, width, '    ', false, '  '));
  }
  if (options.verbose && report.exchanges !== undefined && report.exchanges.length > 0) {
    out.push('', paint(1, `Every exchange (${report.exchanges.length})`));
    for (const exchange of report.exchanges) out.push(...exchangeLines(exchange, '  ', width));
  }
  const c = report.counts;
  out.push(
    '',
    ...joinLines(
      [
        `${c.pass} passed`,
        // Checks that warned, and the run's own warnings (the Warnings section): one count.
        plural(c.warn + report.warnings.length, 'warning'),
        `${c.fail} failed`,
        `${c.skip} skipped`,
        `${c.error} crashed`,
        plural(report.requests, 'request'),
        `${report.durationMs} ms`,
      ],
      width,
      ' · ',
      '',
    ).map((line) => paint(90, line)),
  );
  return `${out.join('\n')}\n`;
};
