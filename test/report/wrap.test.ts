import { describe, expect, it } from 'vitest';
import { MAX_BOX_WORD, renderText, wrap } from '../../src/report/render-text.js';
import { sampleReport } from '../helpers/sample-report.js';

const WORD = 'a'.repeat(130_000);

describe('wrap: one pass, linear in the text', () => {
  it('a normal text wraps greedily at the width, with the indent', () => {
    expect(wrap('one two three four', 9, '  ')).toEqual(['  one two', '  three', '  four']);
    expect(wrap('a b\nc', 80)).toEqual(['a b', 'c']);
  });

  it('a word longer than the width stays whole unless hard', () => {
    expect(wrap(`x ${'b'.repeat(12)} y`, 10)).toEqual(['x', 'b'.repeat(12), 'y']);
    expect(wrap(`x ${'b'.repeat(12)} y`, 10, '', true)).toEqual(['x', 'b'.repeat(10), 'bb y']);
    expect(wrap('b'.repeat(20), 10, '  ', true)).toEqual([
      `  ${'b'.repeat(8)}`,
      `  ${'b'.repeat(8)}`,
      `  ${'b'.repeat(4)}`,
    ]);
  });

  it('a 130,000-character word is cut into chunks of the width (every character kept)', () => {
    const lines = wrap(`start ${WORD} end`, 80, '  ', true);
    expect(lines).toHaveLength(1 + Math.ceil(130_000 / 78));
    expect(lines.every((l) => l.length <= 80)).toBe(true);
    expect(lines.slice(1).join('').replace(/ end$/u, '').replaceAll(' ', '')).toBe(WORD);
    expect(wrap(`start ${WORD} end`, 80)).toEqual(['start', WORD, 'end']);
  });
});

describe('renderText with a 130,000-character word in the diagnosis box', () => {
  it('renders: the word cut to MAX_BOX_WORD, then every line of the box to its width', () => {
    const sample = sampleReport();
    const report = {
      ...sample,
      diagnosis: {
        ...sample.diagnosis,
        status: 'fail' as const,
        code: 'HEADER_SCHEME_CASE' as const,
        summary: `The header ${WORD} is wrong.`,
        fix: 'Send Bearer.',
        commands: [`curl -H "Authorization: Bearer $TOKEN" https://api.bitbucket.org/${WORD}`],
      },
    };
    const text = renderText(report, { color: false, verbose: false, width: 80 });
    const box = text.split('\n').filter((l) => l.startsWith('│'));
    expect(box.every((l) => l.length === 80)).toBe(true);
    // The summary's word and the command's word, each cut to MAX_BOX_WORD (the checks show them
    // whole), then into chunks of 76 characters.
    expect(text).toContain('a… (130000 characters)');
    expect(text).toContain('… (130026 characters)');
    expect(box.length).toBeGreaterThanOrEqual(2 * Math.ceil(MAX_BOX_WORD / 76));
    expect(box.length).toBeLessThan(2 * Math.ceil(MAX_BOX_WORD / 76) + 20);
  });
});
