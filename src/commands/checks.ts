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
