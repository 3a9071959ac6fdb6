import { FINDINGS } from '../knowledge/findings.js';
import { fitLines, wrap } from '../report/layout.js';
import { CHECKS } from '../registry.js';
import { terminalWidth, type IO } from './io.js';

/** `checks`: every check in registry order (id, title, needs, codes), then the finding codes. */
export const checksCommand = (io: IO): number => {
  const width = terminalWidth(io);
  const lines = ['Checks, in the order they run and report:', ''];
  for (const check of CHECKS) {
    const head = `${check.meta.id}  ${check.meta.title}`;
    lines.push(...(head.length <= width ? [head] : wrap(head, width, '    ', false, '')));
    lines.push(...wrap(check.meta.description, width, '    '));
    const needs = (check.meta.needs ?? []).filter((n) => !n.startsWith('after:'));
    if (needs.length > 0)
      lines.push(...wrap(`needs: ${needs.join(', ')}`, width, '           ', false, '    '));
    if (check.meta.codes.length > 0)
      lines.push(
        ...wrap(`finds: ${check.meta.codes.join(', ')}`, width, '           ', false, '    '),
      );
    lines.push('');
  }
  lines.push(
    ...wrap('Finding codes, in causal order (the first failing one is the diagnosis):', width),
    '',
  );
  // The cause beside its code while it has 40 columns; under it, indented, when the terminal is
  // narrower.
  const column = 2 + 28 + 1;
  for (const finding of FINDINGS) {
    if (width - column >= 40)
      lines.push(
        ...wrap(finding.cause, width, ' '.repeat(column), false, `  ${finding.code.padEnd(28)} `),
      );
    else lines.push(`  ${finding.code}`, ...wrap(finding.cause, width, '      '));
  }
  io.stdout.write(`${fitLines(lines, width).join('\n')}\n`);
  return 0;
};

/**
 * `checks --format json`: the same list for scripts, one object per check (id, title, description,
 * codes, needs) in registry order, then the finding codes in causal order.
 */
export const checksJson = (io: IO): number => {
  const checks = CHECKS.map((check) => ({
    id: check.meta.id,
    title: check.meta.title,
    description: check.meta.description,
    codes: [...check.meta.codes],
    needs: (check.meta.needs ?? []).filter((n) => !n.startsWith('after:')),
  }));
  const findings = FINDINGS.map((f) => ({ code: f.code, layer: f.layer, cause: f.cause }));
  io.stdout.write(`${JSON.stringify({ checks, findings }, null, 2)}\n`);
  return 0;
};
