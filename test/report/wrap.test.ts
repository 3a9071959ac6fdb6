import { describe, expect, it } from 'vitest';
import {
  commandLines,
  fitLine,
  isOneToken,
  joinLines,
  linkLines,
  shellLines,
} from '../../src/report/layout.js';
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
  it('renders: the box stays a summary of 80 columns; the word and the command go under it, whole', () => {
    const sample = sampleReport();
    const command = `curl -H "Authorization: Bearer $TOKEN" https://api.bitbucket.org/${WORD}`;
    const report = {
      ...sample,
      diagnosis: {
        ...sample.diagnosis,
        status: 'fail' as const,
        code: 'HEADER_SCHEME_CASE' as const,
        summary: `The header ${WORD} is wrong.`,
        fix: 'Send Bearer.',
        commands: [command],
      },
    };
    const started = performance.now();
    const text = renderText(report, { color: false, verbose: false, width: 80 });
    expect(performance.now() - started).toBeLessThan(2_000);
    const lines = text.split('\n');
    const box = lines.filter((l) => l.startsWith('│'));
    expect(box.every((l) => l.length === 80)).toBe(true);
    expect(box.length).toBeLessThan(10);
    // The word is note [1] of the box, printed whole under it; the command too (` \` between
    // its words, none cut).
    expect(box.join('\n')).toContain('The header [1] is wrong.');
    expect(box.join('\n')).toContain('Run the command printed under this box.');
    const end = lines.findIndex((l) => l.startsWith('╰'));
    expect(lines.slice(end + 1, end + 5)).toEqual([
      '$ curl -H "Authorization: Bearer $TOKEN" \\',
      `    https://api.bitbucket.org/${WORD}`,
      '[1]',
      WORD,
    ]);
    expect(MAX_BOX_WORD).toBeLessThan(WORD.length);
  });
});

describe('layout: commands and links stay whole and copyable', () => {
  const URL = 'https://api.bitbucket.org/2.0/repositories/acme/secret-repo/commits/master';
  const COMMAND = `curl -H "Authorization: Bearer $BITBUCKET_ACCESS_TOKEN" '${URL}?a=1&b=2'`;

  it('a command breaks between shell words with ` \\`, never inside one or a quoted string', () => {
    for (const width of [60, 70, 80]) {
      for (const indent of ['', '    ', '        ']) {
        const lines = commandLines(COMMAND, width, indent);
        expect(
          lines
            .join(' ')
            .replace(/ \\ +/gu, ' ')
            .replace(/^ *\$ /u, ''),
        ).toBe(COMMAND);
        for (const line of lines) {
          expect(line.trim(), line).not.toBe('\\');
          expect(line.length <= width || isOneToken(line), line).toBe(true);
        }
        expect(lines.slice(0, -1).every((l) => l.endsWith(' \\'))).toBe(true);
      }
    }
  });

  it('a command that fits stays one line', () => {
    expect(commandLines('git fetch origin', 60, '  ')).toEqual(['  $ git fetch origin']);
    expect(shellLines('git fetch origin', 60, '')).toEqual(['git fetch origin']);
  });

  it('a link goes on its own line, whole, when it does not fit beside its label', () => {
    expect(linkLines('Learn more:', 'https://x.example/a', 60, '  ')).toEqual([
      '  Learn more: https://x.example/a',
    ]);
    expect(linkLines('Learn more:', URL, 60, '      ')).toEqual(['      Learn more:', URL]);
    expect(linkLines('Learn more:', 'https://x.example/'.padEnd(55, 'a'), 60, '      ')).toEqual([
      '      Learn more:',
      `     ${'https://x.example/'.padEnd(55, 'a')}`,
    ]);
  });

  it('isOneToken: a URL, a quoted shell word, with `$ ` before or ` \\` after', () => {
    expect(isOneToken(`    ${URL}`)).toBe(true);
    expect(isOneToken(`      'Authorization: Bearer abc' \\`)).toBe(true);
    expect(isOneToken('$ curl')).toBe(true);
    expect(isOneToken('two words')).toBe(false);
  });

  it('wrap with a first-line prefix hangs the rest under it', () => {
    expect(wrap('one two three four', 12, '    ', false, '  - ')).toEqual([
      '  - one two',
      '    three',
      '    four',
    ]);
  });

  it('joinLines breaks between parts', () => {
    expect(joinLines(['1 passed', '0 failed', '6 requests'], 22, ' · ', '')).toEqual([
      '1 passed · 0 failed ·',
      '6 requests',
    ]);
  });

  it('fitLine: a command continues with ` \\`, a labelled line hangs under its value', () => {
    expect(fitLine(`  curl -sS -u user:secret ${URL}`, 60)).toEqual([
      '  curl -sS -u user:secret \\',
      `      ${URL}`,
    ]);
    expect(
      fitLine('Git over HTTP:   http://127.0.0.1:1/{w}/{r}.git (ls-remote, fetch, clone)', 60),
    ).toEqual([
      'Git over HTTP:   http://127.0.0.1:1/{w}/{r}.git (ls-remote,',
      '                 fetch, clone)',
    ]);
  });
});
