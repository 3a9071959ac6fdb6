import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import { checkOutputs, fileFormatOf, writeOutput } from '../../src/commands/output.js';
import { fakeIO } from '../helpers/io.js';

const SECRET_A = 'ATATT3xFfGF0-first-secret-value';
const SECRET_B = 'ATATT3xFfGF0-second-secret-value';
// Nothing listens on port 9: a run that got past the checks would be NETWORK_UNREACHABLE (3).
const NOWHERE = ['--api-url', 'http://127.0.0.1:9', '--auth-url', 'http://127.0.0.1:9'];

const run = async (argv: readonly string[]) => {
  const t = fakeIO();
  const code = await main([...NOWHERE, ...argv], t.sink);
  return { code, err: t.err(), out: t.out() };
};

const oneLine = (text: string): void => {
  expect(text.trim().split('\n')).toHaveLength(1);
  expect(text).not.toMatch(/internal error|\n\s+at /u);
};

describe('a single-value option given twice is exit 2, one line naming the flag', () => {
  it.each([
    ['--api-token', SECRET_A, SECRET_B],
    ['--api-token', SECRET_A, SECRET_A],
    ['--client-secret', SECRET_A, SECRET_B],
    ['--app-password', SECRET_A, SECRET_B],
    ['--format', 'json', 'markdown'],
    ['--format', 'json', 'json'],
    ['--curl', 'curl https://api.bitbucket.org/2.0/user', 'curl https://x.example/'],
    ['--netrc-file', '/tmp/a.netrc', '/tmp/b.netrc'],
    [
      '--url',
      'https://api.bitbucket.org/2.0/repositories/a/b',
      'https://api.bitbucket.org/2.0/user',
    ],
    ['--username', 'alice', 'bob'],
    ['--timeout', '5', '6'],
  ])('%s twice', async (flag, a, b) => {
    const { code, err, out } = await run([flag, a, flag, b]);
    expect(code).toBe(2);
    oneLine(err);
    expect(err).toContain(`${flag} was given 2 times; give it once.`);
    expect(out).toBe('');
    for (const secret of [SECRET_A, SECRET_B]) expect(err).not.toContain(secret);
  });

  it('an alias and its long form count as one flag; = forms too', async () => {
    expect((await run(['-w', 'acme', '--workspace', 'other'])).err).toContain(
      '--workspace was given 2 times',
    );
    const r = await run([`--api-token=${SECRET_A}`, `--api-token=${SECRET_B}`]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('--api-token was given 2 times');
    expect(r.err).not.toContain('first-secret');
  });

  it('--no-FLAG is refused cleanly, whatever the option', async () => {
    for (const word of [
      '--no-api-token',
      '--no-verbose',
      '--no-netrc',
      `--no-api-token=${SECRET_A}`,
    ]) {
      const { code, err } = await run([word]);
      expect(code).toBe(2);
      oneLine(err);
      expect(err).toMatch(/is not an option/u);
      expect(err).not.toContain(SECRET_A);
    }
  });

  it('--header stays repeatable', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bb-flags-'));
    const { code } = await run([
      '--header',
      'Authorization: Bearer abcdefghijklmnop',
      '--header',
      'X-A: b',
      '--timeout',
      '5',
      '--output',
      join(dir, 'r.json'),
    ]);
    expect(code).toBe(3);
    expect(existsSync(join(dir, 'r.json'))).toBe(true);
  });
});

describe('--output is checked before the first request', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bb-out-'));
  mkdirSync(join(dir, 'sub.md'));
  execFileSync('mkfifo', [join(dir, 'fifo.md')]);
  writeFileSync(join(dir, 'ro.md'), 'old');
  chmodSync(join(dir, 'ro.md'), 0o444);
  symlinkSync(join(dir, 'sub.md'), join(dir, 'link-to-dir.md'));
  symlinkSync(join(dir, 'missing.md'), join(dir, 'dangling.md'));

  it.each([
    ['-', /'-' is refused/u],
    [join(dir, 'r.xyz'), /use \.md, \.json, \.txt or \.har/u],
    [join(dir, 'r.markdown'), /use \.md, \.json, \.txt or \.har/u],
    [join(dir, 'noext'), /use \.md/u],
    ['/nonexistent/dir/r.md', /ENOENT \(its directory does not exist\)/u],
    [join(dir, 'sub.md'), /it is a directory/u],
    [join(dir, 'fifo.md'), /FIFO/u],
    [join(dir, 'ro.md'), /read-only/u],
    [join(dir, 'link-to-dir.md'), /it is a directory/u],
    [join(dir, 'dangling.md'), /symlink to nothing/u],
  ])('%s → exit 2 at once', async (file, why) => {
    const started = Date.now();
    // --timeout 30: a run that reached the network would take its time; this one never starts.
    const { code, err, out } = await run(['--output', file]);
    expect(code).toBe(2);
    oneLine(err);
    expect(err).toMatch(why);
    expect(out).toBe('');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('the explain input itself is refused, before it is read', async () => {
    const input = join(dir, 'capture.har');
    writeFileSync(input, '{"log":{"entries":[]}}');
    const t = fakeIO();
    expect(await main(['explain', input, '--output', input], t.sink)).toBe(2);
    expect(t.err()).toMatch(/it is the input file itself/u);
    expect(readFileSync(input, 'utf8')).toBe('{"log":{"entries":[]}}');
  });

  it('the same file twice is refused', async () => {
    const f = join(dir, 'twice.md');
    const { code, err } = await run(['--output', f, '--output', f]);
    expect(code).toBe(2);
    expect(err).toMatch(/given twice/u);
  });
});

describe('--output is repeatable and atomic', () => {
  it('writes each file in the format of its extension; --format is stdout only', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bb-out-'));
    const t = fakeIO();
    const code = await main(
      [
        'demo',
        'healthy',
        '--format',
        'markdown',
        '--output',
        join(dir, 'r.json'),
        '--output',
        join(dir, 'r.TXT'),
        '--output',
        join(dir, 'r.md'),
        '--output',
        join(dir, 'r.har'),
      ],
      t.sink,
    );
    expect(code).toBe(0);
    expect(t.out()).toMatch(/^## bb-doctor/u);
    expect(JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8'))).toHaveProperty('diagnosis');
    expect(readFileSync(join(dir, 'r.md'), 'utf8')).toMatch(/^## bb-doctor/u);
    expect(readFileSync(join(dir, 'r.TXT'), 'utf8')).not.toMatch(/^## |^\{/u);
    expect(JSON.parse(readFileSync(join(dir, 'r.har'), 'utf8'))).toHaveProperty('log');
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('a symlink to a regular file is written through; the link stays', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bb-out-'));
    mkdirSync(join(dir, 'real'));
    writeFileSync(join(dir, 'real', 'target.md'), 'old');
    chmodSync(join(dir, 'real', 'target.md'), 0o640);
    symlinkSync(join(dir, 'real', 'target.md'), join(dir, 'link.md'));
    const [file] = await checkOutputs(join(dir, 'link.md'));
    await writeOutput(file!, 'new report');
    expect(readFileSync(join(dir, 'real', 'target.md'), 'utf8')).toBe('new report');
    expect(readFileSync(join(dir, 'link.md'), 'utf8')).toBe('new report');
    expect(statSync(join(dir, 'real', 'target.md')).mode & 0o777).toBe(0o640);
    expect(readdirSync(join(dir, 'real'))).toEqual(['target.md']);
  });

  it('knows the formats of contract.md only', () => {
    expect(fileFormatOf('a.MD')).toBe('markdown');
    expect(fileFormatOf('a.json')).toBe('json');
    expect(fileFormatOf('a.txt')).toBe('text');
    expect(fileFormatOf('a.har')).toBe('har');
    expect(fileFormatOf('a.log')).toBeUndefined();
    expect(fileFormatOf('dir.md/a')).toBeUndefined();
  });
});
