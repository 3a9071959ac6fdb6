import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  findNetrcEntry,
  NetrcError,
  netrcPath,
  parseNetrc,
  readNetrc,
} from '../../src/intake/netrc.js';

const SAMPLE = new URL('../../fixtures/intake/netrc-sample', import.meta.url);

describe('parseNetrc', () => {
  it('reads the sample as curl does', async () => {
    const entries = parseNetrc(await readFile(SAMPLE, 'utf8'));
    expect(entries).toEqual([
      {
        machine: 'bitbucket.org',
        isDefault: false,
        login: 'jdoe',
        password: 'ATBBv7Xq2Lm9Pk4Rz8Tb1Nc6Hd3Js5Kf0Wg2Y1D0F9C8B',
        line: 2,
      },
      {
        machine: 'api.bitbucket.org',
        isDefault: false,
        login: 'jdoe@example.com',
        password: 'ATATT3xFfGF0 with "quotes" and \\ backslash',
        account: 'acme',
        line: 6,
      },
      {
        machine: 'API.Bitbucket.ORG',
        isDefault: false,
        login: 'second@example.com',
        password: 'Second-Entry-Never-Used',
        line: 13,
      },
      { isDefault: true, login: 'anonymous', password: 'guest@example.com', line: 14 },
    ]);
  });

  it('accepts tokens over several lines, keywords in any case, tabs and CRLF', () => {
    expect(parseNetrc('MACHINE\r\n\tbitbucket.org\r\nLOGIN  u\r\n  PassWord\tp\r\n')).toEqual([
      { machine: 'bitbucket.org', isDefault: false, login: 'u', password: 'p', line: 1 },
    ]);
  });

  it('reads a value that looks like a keyword as a value', () => {
    expect(parseNetrc('machine h login machine password macdef')).toEqual([
      { machine: 'h', isDefault: false, login: 'machine', password: 'macdef', line: 1 },
    ]);
  });

  it('reads escapes in quoted values and skips comments', () => {
    expect(parseNetrc('# machine no login no\nmachine h password "a\\tb\\nc\\"d"')).toEqual([
      { machine: 'h', isDefault: false, password: 'a\tb\nc"d', line: 2 },
    ]);
  });

  it('survives truncated files', () => {
    expect(parseNetrc('machine')).toEqual([]);
    expect(parseNetrc('machine h login')).toEqual([{ machine: 'h', isDefault: false, line: 1 }]);
    expect(parseNetrc('login x password y')).toEqual([]);
    expect(parseNetrc('')).toEqual([]);
  });
});

describe('findNetrcEntry', () => {
  const entries = parseNetrc(
    'machine api.bitbucket.org login a password 1\nmachine api.bitbucket.org login b password 2\ndefault login d password 3',
  );

  it('takes the first exact machine, case-insensitively, then default', () => {
    expect(findNetrcEntry(entries, 'API.bitbucket.org')?.password).toBe('1');
    expect(findNetrcEntry(entries, 'example.com')?.password).toBe('3');
    expect(findNetrcEntry(parseNetrc('machine x password y'), 'z')).toBeUndefined();
  });

  it('takes the entry for the login given with -u user', () => {
    expect(findNetrcEntry(entries, 'api.bitbucket.org', 'b')?.password).toBe('2');
    expect(findNetrcEntry(entries, 'api.bitbucket.org', 'nobody')).toBeUndefined();
  });
});

describe('readNetrc', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bbd-netrc-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads ~/.netrc by default, $NETRC when set', async () => {
    await writeFile(join(dir, '.netrc'), 'machine api.bitbucket.org login u password p\n', {
      mode: 0o600,
    });
    const result = await readNetrc(undefined, { HOME: dir });
    expect(result).toMatchObject({ file: join(dir, '.netrc'), exists: true, worldReadable: false });
    expect(result.entry).toMatchObject({ login: 'u', password: 'p' });
    expect(netrcPath({ HOME: dir, NETRC: '/etc/other-netrc' })).toBe('/etc/other-netrc');
    expect(netrcPath({ HOME: dir, NETRC: '~/x' })).toBe(join(dir, 'x'));
  });

  it('finds the entry for another host, and expands ~ in --netrc-file', async () => {
    await writeFile(join(dir, 'bb-netrc'), 'machine bitbucket.org login u password p\n', {
      mode: 0o600,
    });
    const result = await readNetrc('~/bb-netrc', { HOME: dir }, 'bitbucket.org');
    expect(result.entry?.password).toBe('p');
    expect((await readNetrc('~/bb-netrc', { HOME: dir })).entry).toBeUndefined();
  });

  it.skipIf(process.platform === 'win32')('flags a file readable by others', async () => {
    const file = join(dir, 'netrc');
    await writeFile(file, 'default login u password p\n');
    await chmod(file, 0o644);
    expect(await readNetrc(file, {})).toMatchObject({ worldReadable: true, mode: 0o644 });
    await chmod(file, 0o600);
    expect(await readNetrc(file, {})).toMatchObject({ worldReadable: false, mode: 0o600 });
  });

  it('reports a missing file as not existing and a directory as an error', async () => {
    expect(await readNetrc(join(dir, 'missing'), {})).toEqual({
      file: join(dir, 'missing'),
      exists: false,
      entries: [],
      worldReadable: false,
    });
    await mkdir(join(dir, 'adir'));
    await expect(readNetrc(join(dir, 'adir'), {})).rejects.toThrow(NetrcError);
    await expect(readNetrc(join(dir, 'adir'), {})).rejects.toThrow(/is a directory/);
  });

  it.skipIf(process.platform === 'win32' || process.getuid?.() === 0)(
    'reports an unreadable file in one line',
    async () => {
      const file = join(dir, 'locked');
      await writeFile(file, 'default password p\n', { mode: 0o000 });
      await expect(readNetrc(file, {})).rejects.toThrow(`cannot read ${file}: permission denied`);
    },
  );
});
