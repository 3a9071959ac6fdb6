import fc from 'fast-check';
import { Buffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import {
  canonicalConfigName,
  GitParseError,
  parseGitCommand,
  parseGitPaste,
} from '../../src/intake/git-command.js';
import { GIT_ACCESS_TOKEN_USER, GIT_API_TOKEN_USER } from '../../src/knowledge/shapes.js';

const TOKEN = 'ATATT3xFfGF0aZ9-git-secret=AbC123';
const REPO = 'https://bitbucket.org/acme/widgets.git';
const git = (...words: string[]) => parseGitCommand(['git', ...words]);
const secretsOf = (words: string[]) => git(...words).secrets.map((s) => s.secret);
const fails = (words: string[], message: RegExp) => expect(() => git(...words)).toThrow(message);

describe('parseGitCommand: subcommands', () => {
  it.each(['clone', 'fetch', 'pull', 'push', 'ls-remote'])('reads git %s', (sub) => {
    const cmd = git(sub, REPO);
    expect(cmd.subcommand).toBe(sub);
    expect(cmd.push).toBe(sub === 'push');
    expect(cmd.remote?.url).toMatchObject({ transport: 'http', host: 'bitbucket.org' });
  });

  it('names a subcommand that does not talk to the server', () => {
    fails(['status'], /git 'status' does not talk to the server/u);
    fails(['--version'], /does not talk to the server/u);
    fails([], /no subcommand/u);
  });

  it('refuses what is not git', () => {
    expect(() => parseGitCommand(['curl', REPO])).toThrow(GitParseError);
    expect(parseGitCommand(['/usr/bin/git', 'fetch']).subcommand).toBe('fetch');
  });
});

describe('parseGitCommand: global options', () => {
  it('reads -C, -c, --git-dir and --work-tree with and without = and skips flags', () => {
    const cmd = git('--no-pager', '-P', '--bare', '-c', 'a.b=c', 'fetch').configs;
    expect(cmd).toEqual([{ name: 'a.b', value: 'c', from: 'git' }]);
    const more = git('-C', 'a', '-C', 'b', '--git-dir=x', '--work-tree', 'y', '-p', 'fetch');
    expect(more).toMatchObject({ directory: 'a/b', gitDir: 'x', workTree: 'y' });
    expect(git('-C', 'a', '-C', '/abs', 'fetch').directory).toBe('/abs');
    expect(git('--git-dir', 'x', 'fetch', 'origin').remote).toEqual({
      kind: 'name',
      text: 'origin',
    });
  });

  it('lower-cases section and key but keeps the subsection (git-config(1))', () => {
    expect(canonicalConfigName('HTTP.https://X.org/.extraHeader')).toBe(
      'http.https://X.org/.extraheader',
    );
    expect(canonicalConfigName('Credential.UseHttpPath')).toBe('credential.usehttppath');
  });

  it('reads -c name (boolean true) and --config-env, whose value is a variable name', () => {
    const cmd = git('-c', 'http.sslVerify', '--config-env=http.extraHeader=AUTH_HEADER', 'fetch');
    expect(cmd.configs).toEqual([
      { name: 'http.sslverify', from: 'git' },
      { name: 'http.extraheader', env: 'AUTH_HEADER', from: 'git' },
    ]);
    expect(cmd.extraHeaders).toEqual([{ env: 'AUTH_HEADER' }]);
    expect(cmd.secrets).toEqual([]);
  });

  it('refuses -c without a value, with = missing where git needs one, and without a section', () => {
    fails(['-c'], /git '-c' needs a value/u);
    fails(['-c', 'http.extraHeader', 'fetch'], /missing value/u);
    fails(['-c', 'nosection=1', 'fetch'], /needs a section/u);
    fails(['--config-env', 'a.b', 'fetch'], /needs =ENVVAR/u);
    fails(['--frobnicate', 'fetch'], /unknown option '--frobnicate'/u);
  });
});

describe('parseGitCommand: subcommand options and the remote', () => {
  it('lets clone options consume their values', () => {
    const words = ['-b', 'main', '--depth', '1', '-o', 'up', '--reference', '/r', '-j', '4']
      .concat(['--filter=blob:none', '--separate-git-dir', '/g', '--template', '/t', '-u', 'x'])
      .concat([
        '--config',
        'core.autocrlf=false',
        '-qbdev',
        '-c',
        'http.extraHeader=X-Token-Auth: t1234567',
      ]);
    const cmd = git('clone', ...words, REPO, 'dir');
    expect(cmd.remote?.text).toBe(REPO);
    expect(cmd.configs.map((c) => [c.name, c.from])).toEqual([
      ['core.autocrlf', 'clone'],
      ['http.extraheader', 'clone'],
    ]);
    expect(cmd.extraHeaders).toEqual([{ value: 'X-Token-Auth: t1234567' }]);
  });

  it('tells remote names from URLs, and leaves the default remote to the caller', () => {
    expect(git('fetch', '--depth', '3', 'upstream', 'main').remote).toEqual({
      kind: 'name',
      text: 'upstream',
    });
    expect(git('pull', '-s', 'ours', '-Xtheirs', '--rebase', 'origin').remote?.text).toBe('origin');
    expect(git('push', '--recurse-submodules', 'check', 'up').remote?.text).toBe('up');
    expect(git('push', '-u', 'origin', 'HEAD').remote?.text).toBe('origin');
    expect(git('push', `--repo=${REPO}`).remote?.kind).toBe('url');
    expect(git('fetch').remote).toBeUndefined();
    expect(git('ls-remote', '--sort', 'v:refname', '--', REPO).remote?.kind).toBe('url');
    fails(['clone'], /needs the repository URL/u);
    fails(['clone', 'widgets'], /local path/u);
    fails(['fetch', './other'], /local path/u);
    fails(['clone', 'file:///srv/repo.git'], /file:\/\/ repository is local/u);
  });

  it('reads a URL without userinfo', () => {
    expect(git('clone', 'https://bitbucket.org:8443/acme/widgets/').remote?.url).toEqual({
      transport: 'http',
      scheme: 'https',
      host: 'bitbucket.org',
      port: 8443,
      path: '/acme/widgets/',
      workspace: 'acme',
      repo: 'widgets',
    });
    expect(
      git('clone', 'http://localhost:7990/scm/p/r.git').remote?.url?.workspace,
    ).toBeUndefined();
  });

  it('decodes percent-encoded userinfo', () => {
    const url = git('clone', 'https://jane%40acme.com:p%40ss%3Aw0rd@bitbucket.org/acme/w.git')
      .remote?.url;
    expect(url?.userinfo).toEqual({ username: 'jane@acme.com', password: 'p@ss:w0rd' });
    expect(git('clone', 'https://jane@bitbucket.org/acme/w.git').remote?.url?.userinfo).toEqual({
      username: 'jane',
    });
  });

  it.each([GIT_ACCESS_TOKEN_USER, GIT_API_TOKEN_USER])('reads %s:TOKEN@ and its secret', (user) => {
    const cmd = git(
      'clone',
      `https://${user}:${encodeURIComponent(TOKEN)}@bitbucket.org/acme/w.git`,
    );
    expect(cmd.remote?.url?.userinfo).toEqual({ username: user, password: TOKEN });
    expect(cmd.secrets).toContainEqual({ secret: TOKEN, usernames: [user] });
  });

  it('takes a lone token-like username as a secret', () => {
    expect(
      secretsOf(['clone', `https://${TOKEN.replace('=', '')}@bitbucket.org/a/b.git`]),
    ).toContain(TOKEN.replace('=', ''));
  });

  it.each([
    ['git@bitbucket.org:acme/widgets.git', 'ssh'],
    ['ssh://git@bitbucket.org:22/acme/widgets.git', 'ssh'],
    ['git://example.org/acme/widgets.git', 'git'],
  ])('reads %s as transport %s', (text, transport) => {
    expect(git('clone', text).remote?.url).toMatchObject({
      transport,
      host: text.includes('bitbucket') ? 'bitbucket.org' : 'example.org',
      workspace: 'acme',
      repo: 'widgets',
    });
  });
});

describe('parseGitCommand: extraHeader and credential.helper', () => {
  const basic = Buffer.from(`x-token-auth:${TOKEN}`).toString('base64');

  it('reads http.extraHeader in both scopes, with the credential as a secret', () => {
    const scoped = `http.https://bitbucket.org/.extraHeader=AUTHORIZATION: basic ${basic}`;
    const paired = git('-c', scoped, 'fetch');
    expect(paired.extraHeaders).toEqual([
      { scope: 'https://bitbucket.org/', value: `AUTHORIZATION: basic ${basic}` },
    ]);
    expect(paired.secrets).toContainEqual({ secret: basic });
    expect(paired.secrets).toContainEqual({ secret: TOKEN, usernames: ['x-token-auth'] });
    const found = git('-c', `http.extraHeader=Authorization: Bearer ${TOKEN}`, 'fetch');
    expect(found.extraHeaders).toEqual([{ value: `Authorization: Bearer ${TOKEN}` }]);
    expect(found.secrets.map((s) => s.secret)).toContain(TOKEN);
  });

  it('records a credential.helper override, never running it', () => {
    expect(git('fetch').credentialHelperOverride).toBe(false);
    expect(git('-c', 'credential.helper=', 'fetch').credentialHelperOverride).toBe(true);
    const cmd = git('-c', `credential.helper=!f() { echo password=${TOKEN}; }; f`, 'fetch');
    expect(cmd.credentialHelperOverride).toBe(true);
    expect(cmd.secrets.map((s) => s.secret)).toContain(TOKEN);
  });
  it('lists the helpers given, keeps their scope, and names the usernames given', () => {
    const cmd = git(
      '-c',
      'credential.helper=',
      '-c',
      'credential.https://bitbucket.org.helper=store',
      '-c',
      'credential.username=jane',
      'clone',
      'https://x-token-auth@bitbucket.org/a/b.git',
    );
    expect(cmd.credentialHelpers).toEqual([
      { value: '' },
      { scope: 'https://bitbucket.org', value: 'store' },
    ]);
    expect(cmd.secrets).toEqual([{ usernames: ['jane'] }, { usernames: ['x-token-auth'] }]);
  });
});

describe('parseGitPaste', () => {
  it('splits quotes and \\-continuations as a shell would', () => {
    const cmd = parseGitPaste(
      `$ GIT_TRACE=1 git -c "http.extraHeader=Authorization: Bearer ${TOKEN}" \\\n  clone '${REPO}' && cd widgets`,
    );
    expect(cmd.subcommand).toBe('clone');
    expect(cmd.remote?.text).toBe(REPO);
    expect(cmd.extraHeaders).toEqual([{ value: `Authorization: Bearer ${TOKEN}` }]);
    expect(parseGitPaste(`# git fetch ${REPO}`).remote?.text).toBe(REPO);
  });

  it('speaks of git when the paste cannot be split', () => {
    expect(() => parseGitPaste(`git clone "${REPO}`)).toThrow(
      /the git command has an unterminated/u,
    );
    expect(() => parseGitPaste(`${TOKEN} clone x`)).toThrow(/not a git command: it runs \[a/u);
  });
});

describe('secrets (property)', () => {
  const secret = fc
    .string({ minLength: 8, maxLength: 60 })
    .filter((s) => /^[\x21-\x7e]+$/u.test(s));
  const errorOf = (words: string[]): string => {
    try {
      git(...words);
    } catch (error) {
      if (error instanceof GitParseError) return error.message;
      throw error;
    }
    throw new Error(`no GitParseError for ${words.join(' ')}`);
  };

  it('finds a secret in userinfo or an extraHeader, and no error message shows it', () => {
    fc.assert(
      fc.property(secret, fc.constantFrom('bearer', 'basic'), (s, scheme) => {
        const header =
          scheme === 'basic'
            ? `Authorization: Basic ${Buffer.from(`jane:${s}`).toString('base64')}`
            : `Authorization: Bearer ${s}`;
        const userinfo = `jane:${encodeURIComponent(s)}@`;
        const url = `https://${userinfo}bitbucket.org/a/b.git`;
        expect(secretsOf(['clone', url])).toContain(s);
        expect(secretsOf(['-c', `http.extraHeader=${header}`, 'fetch'])).toContain(s);
        // The same credentials next to each mistake the parser reports.
        const c = ['-c', `http.extraHeader=${header}`];
        const broken = [
          [...c, 'status', url],
          [...c, 'clone', `ftp://${userinfo}host/a`],
          [...c, 'clone', `https://${userinfo}[bad/a`],
          [...c, `--token=${s}`, 'fetch', url],
          [...c, '-c', 'http.extraHeader', 'fetch', url],
          [...c, 'clone', '-b'],
        ];
        for (const words of broken) expect(errorOf(words)).not.toContain(s);
      }),
    );
  });
});
