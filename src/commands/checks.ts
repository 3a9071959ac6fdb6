import { FINDINGS } from '../knowledge/findings.js';
import { CHECKS } from '../registry.js';
import type { IO } from './io.js';

/** `checks`: every check in registry order (id, title, needs, codes), then the finding codes. */
export const checksCommand = (io: IO): number => {
  const lines = ['Checks, in the order they run and report:', ''];
  for (const check of CHECKS) {
    lines.push(`${check.meta.id}  ${check.meta.title}`);
    lines.push(`    ${check.meta.description}`);
    const needs = (check.meta.needs ?? []).filter((n) => !n.startsWith('after:'));
    if (needs.length > 0) lines.push(`    needs: ${needs.join(', ')}`);
    if (check.meta.codes.length > 0) lines.push(`    finds: ${check.meta.codes.join(', ')}`);
    lines.push('');
  }
  lines.push('Finding codes, in causal order (the first failing one is the diagnosis):', '');
  for (const finding of FINDINGS) lines.push(`  ${finding.code.padEnd(28)} ${finding.cause}`);
  io.stdout.write(`${lines.join('\n')}\n`);
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
