import fc from 'fast-check';
import { parse as shellParse, quote as shellQuote } from 'shell-quote';
import { describe, expect, it } from 'vitest';
import {
  CurlParseError,
  formatCurl,
  parseCurl,
  splitCommand,
  splitCommandLine,
  toFailingRequest,
  type ParsedCurl,
} from '../../src/intake/curl.js';
import { correctCurl, lintCurl, type CurlLintCode } from '../../src/rules/curl/index.js';
import { decodeComponent, splitParams } from '../../src/intake/curl-url.js';
import { arbSecret, forbiddenForms } from '../helpers/secrets.js';

const API = 'https://api.bitbucket.org';
const SEED_URL = `${API}/2.0/repositories/acme/secret-repo/commits/master`;
/** Fake secrets shaped like the real ones (bitbucket-auth.md §4.2, §5). */
const ACCESS_TOKEN = 'q8Zr3vXk2LmP9sTbYw4nHc7dFj1gQe5uRa6oKi0xVz-EyB_UtN3mWp8sLd2Jh==';
const API_TOKEN =
  'ATATT3xFfGF0T9k2mQx7Lp4Rz8Vb1Nc6Hd3Js5Kf0Wg2Ye9Ua4Ti7Oq1Pr6Es3Dw8Mx5Cv2Bn0Zl7Hk4Jg1=7C3A9B2D';
const APP_PASSWORD = 'ATBBv7Xq2Lm9Pk4Rz8Tb1Nc6Hd3Js5Kf0Wg2Y1D0F9C8B';

interface Case {
  name: string;
  /** Pasted whole (`--curl '...'`). */
  command: string;
  expected: Partial<ParsedCurl>;
  /** Lint codes, in order. */
  codes: CurlLintCode[];
  stoppedAt?: string;
}

const CASES: Case[] = [
  {
    name: "the seed's command, variable not expanded",
    command: `curl -H "Authorization: bearer $TOKEN" ${SEED_URL}`,
    expected: {
      url: SEED_URL,
      method: 'GET',
      headers: [{ name: 'Authorization', value: 'bearer $TOKEN', flag: '-H' }],
    },
    codes: ['SECRET_UNEXPANDED', 'HEADER_SCHEME_CASE'],
  },
  {
    name: "the seed's command, variable expanded",
    command: `curl -H "Authorization: bearer ${ACCESS_TOKEN}" ${SEED_URL}`,
    expected: { headers: [{ name: 'Authorization', value: `bearer ${ACCESS_TOKEN}`, flag: '-H' }] },
    codes: ['HEADER_SCHEME_CASE'],
  },
  {
    name: '-u user:app_password',
    command: `curl -u jdoe:${APP_PASSWORD} ${API}/2.0/repositories/acme`,
    expected: { user: { username: 'jdoe', secret: APP_PASSWORD }, method: 'GET' },
    codes: [],
  },
  {
    name: '-u with an API token and the username, not the email',
    command: `curl -u jdoe:${API_TOKEN} ${API}/2.0/user`,
    expected: { user: { username: 'jdoe', secret: API_TOKEN } },
    codes: ['API_TOKEN_NEEDS_EMAIL'],
  },
  {
    name: '-u with an API token and the email',
    command: `curl --user 'jdoe@example.com:${API_TOKEN}' ${API}/2.0/user`,
    expected: { user: { username: 'jdoe@example.com', secret: API_TOKEN } },
    codes: [],
  },
  {
    name: '-uuser:secret attached',
    command: `curl -ujdoe:${APP_PASSWORD} ${API}/2.0/user`,
    expected: { user: { username: 'jdoe', secret: APP_PASSWORD } },
    codes: [],
  },
  {
    name: '-u user without a secret (curl prompts)',
    command: `curl -u jdoe ${API}/2.0/user`,
    expected: { user: { username: 'jdoe' } },
    codes: [],
  },
  {
    name: '--oauth2-bearer',
    command: `curl --oauth2-bearer ${ACCESS_TOKEN} ${API}/2.0/user`,
    expected: { oauth2Bearer: ACCESS_TOKEN, headers: [] },
    codes: [],
  },
  {
    name: '--oauth2-bearer with an API token',
    command: `curl --oauth2-bearer ${API_TOKEN} ${API}/2.0/user`,
    expected: { oauth2Bearer: API_TOKEN },
    codes: ['API_TOKEN_AS_BEARER'],
  },
  {
    name: '--oauth2-bearer "$BB_TOKEN" not expanded',
    command: `curl --oauth2-bearer "$BB_TOKEN" ${API}/2.0/user`,
    expected: { oauth2Bearer: '$BB_TOKEN' },
    codes: ['SECRET_UNEXPANDED'],
  },
  {
    name: '?access_token= in the query string',
    command: `curl "${API}/2.0/repositories/acme/secret-repo?access_token=${ACCESS_TOKEN}&pagelen=5"`,
    expected: {
      url: `${API}/2.0/repositories/acme/secret-repo?access_token=${ACCESS_TOKEN}&pagelen=5`,
    },
    codes: ['SECRET_IN_URL'],
  },
  {
    name: '-d access_token=... in the POST body',
    command: `curl -d access_token=${ACCESS_TOKEN} ${API}/2.0/repositories/acme`,
    expected: { method: 'POST', data: [{ flag: '-d', value: `access_token=${ACCESS_TOKEN}` }] },
    codes: ['SECRET_IN_URL', 'WRITE_METHOD_NOT_REPLAYED'],
  },
  {
    name: '-G -d access_token=... (moved to the query string)',
    command: `curl -G -d access_token=${ACCESS_TOKEN} -d pagelen=10 ${API}/2.0/repositories/acme`,
    expected: { method: 'GET', get: true },
    codes: ['SECRET_IN_URL'],
  },
  {
    name: '--data-urlencode access_token=...',
    command: `curl --data-urlencode "access_token=${ACCESS_TOKEN}" ${API}/2.0/user`,
    expected: { method: 'POST' },
    codes: ['SECRET_IN_URL', 'WRITE_METHOD_NOT_REPLAYED'],
  },
  {
    name: '-F access_token=...',
    command: `curl -F access_token=${ACCESS_TOKEN} ${API}/2.0/user`,
    expected: { method: 'POST', data: [{ flag: '-F', value: `access_token=${ACCESS_TOKEN}` }] },
    codes: ['SECRET_IN_URL', 'WRITE_METHOD_NOT_REPLAYED'],
  },
  {
    name: '--json with access_token',
    command: `curl --json '{"access_token": "${ACCESS_TOKEN}"}' ${API}/2.0/user`,
    expected: { method: 'POST' },
    codes: ['SECRET_IN_URL', 'WRITE_METHOD_NOT_REPLAYED'],
  },
  {
    name: 'pasted $(cat token.txt)',
    command: `curl -H "Authorization: Bearer $(cat token.txt)" ${SEED_URL}`,
    expected: {
      headers: [{ name: 'Authorization', value: 'Bearer $(cat token.txt)', flag: '-H' }],
    },
    codes: ['SECRET_UNEXPANDED'],
  },
  {
    name: 'unquoted $(...) in -u',
    command: `curl -u alice@example.com:$(cat /run/secrets/bb token) ${API}/2.0/user`,
    expected: {
      user: { username: 'alice@example.com', secret: '$(cat /run/secrets/bb token)' },
      url: `${API}/2.0/user`,
    },
    codes: ['SECRET_UNEXPANDED'],
  },
  {
    name: 'backticks inside double quotes',
    command: 'curl -u "jdoe@example.com:`cat ~/.bb-token`" https://api.bitbucket.org/2.0/user',
    expected: { user: { username: 'jdoe@example.com', secret: '`cat ~/.bb-token`' } },
    codes: ['SECRET_UNEXPANDED'],
  },
  {
    name: 'unquoted backticks with a space inside',
    command:
      'curl -H Authorization:\\ Bearer\\ `pass show bitbucket/token` https://api.bitbucket.org/2.0/user',
    expected: {
      headers: [{ name: 'Authorization', value: 'Bearer `pass show bitbucket/token`', flag: '-H' }],
      url: `${API}/2.0/user`,
    },
    codes: ['SECRET_UNEXPANDED'],
  },
  {
    name: '${VAR} kept as typed',
    command: `curl -H "Authorization: Bearer \${BB_TOKEN}" ${API}/2.0/user`,
    expected: { headers: [{ name: 'Authorization', value: 'Bearer ${BB_TOKEN}', flag: '-H' }] },
    codes: ['SECRET_UNEXPANDED'],
  },
  {
    name: 'multi-line with \\ continuations',
    command: [
      'curl -X GET \\',
      '  -H "Accept: application/json" \\',
      `  -H "Authorization: Bearer ${ACCESS_TOKEN}" \\`,
      `  ${API}/2.0/user`,
    ].join('\n'),
    expected: {
      method: 'GET',
      explicitMethod: true,
      url: `${API}/2.0/user`,
      headers: [
        { name: 'Accept', value: 'application/json', flag: '-H' },
        { name: 'Authorization', value: `Bearer ${ACCESS_TOKEN}`, flag: '-H' },
      ],
    },
    codes: [],
  },
  {
    name: 'CRLF continuations (a Windows clipboard)',
    command: `curl \\\r\n  -H "Authorization: Bearer ${ACCESS_TOKEN}" \\\r\n  ${API}/2.0/user\r\n`,
    expected: { url: `${API}/2.0/user` },
    codes: [],
  },
  {
    name: 'a trailing | jq .',
    command: `curl -s -H "Authorization: Bearer ${ACCESS_TOKEN}" ${API}/2.0/user | jq .`,
    expected: { url: `${API}/2.0/user` },
    codes: [],
    stoppedAt: '|',
  },
  {
    name: 'a redirect and &&',
    command: `curl -sS ${API}/2.0/user -o out.json 2>/dev/null && cat out.json`,
    expected: { url: `${API}/2.0/user`, ignored: [] },
    codes: [],
    stoppedAt: '2>',
  },
  {
    name: 'an unquoted & in the URL cuts the command as the shell does',
    command: `curl ${API}/2.0/repositories/acme?pagelen=100&page=2`,
    expected: { url: `${API}/2.0/repositories/acme?pagelen=100` },
    codes: [],
    stoppedAt: '&',
  },
  {
    name: '-sSL',
    command: `curl -sSL ${API}/2.0/user`,
    expected: { location: true, ignored: [] },
    codes: [],
  },
  {
    name: '-XPOST',
    command: `curl -XPOST -H "Authorization: Bearer ${ACCESS_TOKEN}" ${API}/2.0/repositories/acme/secret-repo/pullrequests`,
    expected: { method: 'POST', explicitMethod: true },
    codes: ['WRITE_METHOD_NOT_REPLAYED'],
  },
  {
    name: "-H'Authorization:Bearer x' (attached, no space)",
    command: `curl -H'Authorization:Bearer ${ACCESS_TOKEN}' ${API}/2.0/user`,
    expected: { headers: [{ name: 'Authorization', value: `Bearer ${ACCESS_TOKEN}`, flag: '-H' }] },
    codes: [],
  },
  {
    name: 'BEARER',
    command: `curl -H "Authorization: BEARER ${ACCESS_TOKEN}" ${API}/2.0/user`,
    expected: {},
    codes: ['HEADER_SCHEME_CASE'],
  },
  {
    name: 'basic',
    command: `curl -H "Authorization: basic ${Buffer.from(`jdoe:${APP_PASSWORD}`).toString('base64')}" ${API}/2.0/user`,
    expected: {},
    codes: ['HEADER_SCHEME_CASE'],
  },
  {
    name: 'token scheme (GitHub style)',
    command: `curl -H "Authorization: token ${ACCESS_TOKEN}" ${API}/2.0/user`,
    expected: {},
    codes: ['HEADER_SCHEME_UNKNOWN'],
  },
  {
    name: 'a bare token without a scheme',
    command: `curl -H "Authorization: ${ACCESS_TOKEN}" ${API}/2.0/user`,
    expected: {},
    codes: ['HEADER_SCHEME_UNKNOWN'],
  },
  {
    name: 'JWT outside Connect',
    command: `curl -H "Authorization: JWT eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln" ${API}/2.0/user`,
    expected: {},
    codes: ['HEADER_SCHEME_UNKNOWN'],
  },
  {
    name: 'a Connect JWT (qsh claim)',
    command: `curl -H "Authorization: JWT eyJhbGciOiJIUzI1NiJ9.${Buffer.from('{"iss":"app","qsh":"abc"}').toString('base64url')}.c2ln" ${API}/2.0/repositories/acme`,
    expected: {},
    codes: [],
  },
  {
    name: 'two spaces after the scheme',
    command: `curl -H "Authorization: Bearer  ${ACCESS_TOKEN}" ${API}/2.0/user`,
    expected: {},
    codes: ['HEADER_MALFORMED'],
  },
  {
    name: 'an empty Authorization header',
    command: `curl -H "Authorization:" ${API}/2.0/user`,
    expected: { headers: [{ name: 'Authorization', value: '', flag: '-H' }] },
    codes: ['HEADER_MALFORMED'],
  },
  {
    name: 'Basic that is not base64',
    command: `curl -H "Authorization: Basic ${APP_PASSWORD}!" ${API}/2.0/user`,
    expected: {},
    codes: ['HEADER_MALFORMED'],
  },
  {
    name: 'Basic with user:secret in clear',
    command: `curl -H "Authorization: Basic jdoe:${APP_PASSWORD}" ${API}/2.0/user`,
    expected: {},
    codes: ['HEADER_MALFORMED'],
  },
  {
    name: 'a header without a colon (curl drops it)',
    command: `curl -H "Authorization Bearer ${ACCESS_TOKEN}" ${API}/2.0/user`,
    expected: {
      headers: [
        { name: 'Authorization', value: `Bearer ${ACCESS_TOKEN}`, flag: '-H', noColon: true },
      ],
    },
    codes: ['HEADER_MALFORMED'],
  },
  {
    name: 'an API token as Bearer',
    command: `curl -H "Authorization: Bearer ${API_TOKEN}" ${API}/2.0/user`,
    expected: {},
    codes: ['API_TOKEN_AS_BEARER'],
  },
  {
    name: 'Basic header with an API token and a username',
    command: `curl -H "Authorization: Basic ${Buffer.from(`jdoe:${API_TOKEN}`).toString('base64')}" ${API}/2.0/user`,
    expected: {},
    codes: ['API_TOKEN_NEEDS_EMAIL'],
  },
  {
    name: 'quotes inside the token',
    command: `curl -H 'Authorization: Bearer "${ACCESS_TOKEN}"' ${API}/2.0/user`,
    expected: {},
    codes: ['SECRET_WHITESPACE'],
  },
  {
    name: 'http:// to the API',
    command: `curl -u jdoe:${APP_PASSWORD} http://api.bitbucket.org/2.0/user`,
    expected: {},
    codes: ['INSECURE_HTTP'],
  },
  {
    name: 'no scheme (curl uses http)',
    command: `curl -u jdoe:${APP_PASSWORD} api.bitbucket.org/2.0/user`,
    expected: { url: 'api.bitbucket.org/2.0/user' },
    codes: ['INSECURE_HTTP'],
  },
  {
    name: 'http:// on loopback (the simulator)',
    command: `curl -H "Authorization: bearer ${ACCESS_TOKEN}" http://127.0.0.1:43117/2.0/repositories/acme/secret-repo/commits/master`,
    expected: {},
    codes: ['HEADER_SCHEME_CASE'],
  },
  {
    name: 'user:secret in the URL',
    command: `curl https://jdoe:${APP_PASSWORD}@api.bitbucket.org/2.0/user`,
    expected: {},
    codes: ['SECRET_IN_URL'],
  },
  {
    name: 'the website host with an API path',
    command: `curl -u jdoe:${APP_PASSWORD} https://bitbucket.org/2.0/repositories/acme`,
    expected: {},
    codes: ['WRONG_HOST'],
  },
  {
    name: '/!api/2.0 on the website host',
    command: `curl -u jdoe:${APP_PASSWORD} https://bitbucket.org/!api/2.0/repositories/acme`,
    expected: { url: 'https://bitbucket.org/!api/2.0/repositories/acme' },
    codes: ['WRONG_HOST'],
  },
  {
    name: '/!api/2.0 on loopback',
    command: 'curl http://127.0.0.1:43117/!api/2.0/user',
    expected: {},
    codes: ['WRONG_HOST'],
  },
  {
    name: 'the token endpoint on the API host',
    command: `curl -X POST -u "$BITBUCKET_CLIENT_ID:$BITBUCKET_CLIENT_SECRET" ${API}/site/oauth2/access_token -d grant_type=client_credentials`,
    expected: { method: 'POST' },
    codes: ['SECRET_UNEXPANDED', 'SECRET_UNEXPANDED', 'WRONG_HOST', 'WRITE_METHOD_NOT_REPLAYED'],
  },
  {
    name: 'an API 1.0 path',
    command: `curl -u jdoe:${APP_PASSWORD} ${API}/1.0/repositories/acme/secret-repo/changesets`,
    expected: {},
    codes: ['API_V1_REMOVED'],
  },
  {
    name: 'an API 1.0 path on loopback',
    command: 'curl http://127.0.0.1:43117/1.0/user',
    expected: {},
    codes: ['API_V1_REMOVED'],
  },
  {
    name: 'a kept API 1.0 resource',
    command: `curl -u jdoe:${APP_PASSWORD} ${API}/1.0/groups/acme`,
    expected: {},
    codes: [],
  },
  {
    name: 'a Data Center path on Cloud',
    command: `curl -u jdoe:${APP_PASSWORD} https://bitbucket.org/rest/api/1.0/projects/ACME/repos/web/commits`,
    expected: {},
    codes: ['DATA_CENTER_PATH_ON_CLOUD'],
  },
  {
    name: 'a Data Center path on a Data Center host',
    command:
      'curl -H "Authorization: Bearer $DC_TOKEN" https://bitbucket.example.com/rest/api/1.0/projects',
    expected: {},
    codes: ['SECRET_UNEXPANDED'],
  },
  {
    name: 'a removed cross-workspace endpoint (CHANGE-2770)',
    command: `curl -u jdoe@example.com:${API_TOKEN} ${API}/2.0/workspaces`,
    expected: {},
    codes: ['ENDPOINT_REMOVED'],
  },
  {
    name: 'the password grant',
    command:
      'curl -X POST https://bitbucket.org/site/oauth2/access_token -d grant_type=password -d username=jdoe -d password=hunter2hunter2',
    expected: { method: 'POST' },
    codes: ['PASSWORD_GRANT_REMOVED', 'CONSUMER_INVALID', 'WRITE_METHOD_NOT_REPLAYED'],
  },
  {
    name: 'client credentials as Basic (correct)',
    command:
      'curl -X POST -u "Kx7mYq2Lp9RtVb3Nc6:Hd3Js5Kf0Wg2Ye9Ua4Ti7Oq1Pr6Es3Dw8" https://bitbucket.org/site/oauth2/access_token -d grant_type=client_credentials',
    expected: { method: 'POST', explicitMethod: true },
    codes: ['WRITE_METHOD_NOT_REPLAYED'],
  },
  {
    name: 'client secret in the body',
    command:
      'curl https://bitbucket.org/site/oauth2/access_token -d grant_type=client_credentials -d client_id=Kx7mYq2Lp9RtVb3Nc6 -d client_secret=Hd3Js5Kf0Wg2Ye9Ua4Ti7Oq1Pr6Es3Dw8',
    expected: { method: 'POST' },
    codes: ['CONSUMER_INVALID', 'WRITE_METHOD_NOT_REPLAYED'],
  },
  {
    name: 'lowercase -X post',
    command: `curl -X post ${API}/2.0/user`,
    expected: { method: 'post' },
    codes: ['WRITE_METHOD_NOT_REPLAYED'],
  },
  {
    name: 'netrc options',
    command: `curl -n --netrc-optional ${API}/2.0/user`,
    expected: { netrc: true, netrcOptional: true },
    codes: [],
  },
  {
    name: '--netrc-file',
    command: `curl --netrc-file ~/.bb-netrc ${API}/2.0/user`,
    expected: { netrc: true, netrcFile: '~/.bb-netrc' },
    codes: [],
  },
  {
    name: '-k -I -A -b',
    command: `curl -kI -A 'my-script/1.0' -b 'session=abc123' ${API}/2.0/user`,
    expected: {
      insecure: true,
      head: true,
      method: 'HEAD',
      headers: [
        { name: 'User-Agent', value: 'my-script/1.0', flag: '-A' },
        { name: 'Cookie', value: 'session=abc123', flag: '-b' },
      ],
    },
    codes: [],
  },
  {
    name: 'harmless options consume their arguments; the others are recorded',
    command: `curl -s -o out.json -w '%{http_code}' --max-time 10 --retry 3 --connect-timeout 5 --compressed -f -x http://proxy:3128 --frobnicate ${API}/2.0/user`,
    expected: { url: `${API}/2.0/user`, ignored: ['-x', '--frobnicate'] },
    codes: [],
  },
  {
    name: '--url and -sv',
    command: `curl -sv --url ${API}/2.0/user`,
    expected: { url: `${API}/2.0/user`, ignored: [] },
    codes: [],
  },
  {
    name: 'a terminal prompt and its continuation prompts',
    command: `jdoe@laptop:~/src$ curl -s \\\n> -H "Authorization: Bearer ${ACCESS_TOKEN}" \\\n> ${API}/2.0/user`,
    expected: { url: `${API}/2.0/user` },
    codes: [],
  },
  {
    name: 'a leading $ prompt',
    command: `$ curl ${API}/2.0/user`,
    expected: { url: `${API}/2.0/user` },
    codes: [],
  },
];

describe('the curl command table', () => {
  it.each(CASES)('$name', ({ command, expected, codes, stoppedAt }) => {
    const split = splitCommand(command);
    expect(split.stoppedAt).toBe(stoppedAt);
    const parsed = parseCurl(split.argv);
    expect(parsed).toMatchObject(expected);
    const lints = lintCurl(parsed);
    expect(lints.map((l) => l.code)).toEqual(codes);
    for (const lint of lints) {
      expect(lint.message).toMatch(/^[A-Z-].*[.)]$/s);
      const text = JSON.stringify(lint);
      for (const secret of [ACCESS_TOKEN, API_TOKEN, APP_PASSWORD])
        expect(text).not.toContain(secret);
    }
  });

  it('rejects a command that is not curl', () => {
    expect(() => splitCommandLine('ls -la ~/.ssh')).toThrow(CurlParseError);
    expect(() => splitCommandLine('ls -la ~/.ssh')).toThrow(
      "not a curl command: it runs 'ls', not curl",
    );
    expect(() => splitCommandLine('   ')).toThrow('the curl command is empty');
    expect(() => splitCommandLine('wget https://api.bitbucket.org/2.0/user')).toThrow(
      CurlParseError,
    );
    expect(() => parseCurl(['http', 'GET', 'x'])).toThrow(CurlParseError);
    expect(() => parseCurl([])).toThrow(CurlParseError);
  });

  it('accepts curl by path, curl.exe, and wrappers and assignments before it', () => {
    expect(splitCommandLine('/usr/bin/curl -s x')[0]).toBe('/usr/bin/curl');
    expect(splitCommandLine('curl.exe -s x')[0]).toBe('curl.exe');
    expect(splitCommandLine('noglob curl x?y=1')).toEqual(['curl', 'x?y=1']);
    expect(splitCommandLine('sudo -E curl x')).toEqual(['curl', 'x']);
    const split = splitCommand(
      `TOKEN=${ACCESS_TOKEN} DEBUG=1 curl -H "Authorization: Bearer $TOKEN" x`,
    );
    expect(split.assignments).toEqual(['TOKEN', 'DEBUG']);
    expect(split.argv).toEqual(['curl', '-H', 'Authorization: Bearer $TOKEN', 'x']);
    expect(JSON.stringify(split.assignments)).not.toContain(ACCESS_TOKEN);
  });

  it('reads a PowerShell paste as PowerShell would: backtick continuations, $env:NAME, `" escapes', () => {
    expect(splitCommandLine('curl.exe `\n  -H "Accept: x" `\n  https://x')).toEqual([
      'curl.exe',
      '-H',
      'Accept: x',
      'https://x',
    ]);
    expect(
      splitCommand('PS C:\\> curl.exe -H "Authorization: Bearer $env:BB_TOKEN" `\n https://x', {
        expand: (e) => (e === '${BB_TOKEN}' ? 'tok' : e),
      }).argv,
    ).toEqual(['curl.exe', '-H', 'Authorization: Bearer tok', 'https://x']);
    expect(splitCommandLine('curl.exe -H "X: say `"hi`"" https://x')[2]).toBe('X: say "hi"');
  });

  it('a NUL byte in a paste is refused in one line', () => {
    expect(() => splitCommandLine('curl https://x\u0000')).toThrow(/NUL byte/);
  });

  it('explains unterminated quotes and cmd.exe continuations in one line', () => {
    expect(() => splitCommandLine('curl -H "Authorization: Bearer x')).toThrow(
      'the curl command has an unterminated double quote (")',
    );
    expect(() => splitCommandLine("curl -H 'Authorization: Bearer x")).toThrow(/single quote/);
    expect(() => splitCommandLine('curl -u "a:$(cat f" x')).toThrow(/unterminated/);
    expect(() => splitCommandLine('curl ^\n  -H "Accept: x" ^\n  https://x')).toThrow(/cmd\.exe/);
  });

  it('keeps every substitution form as literal text', () => {
    const words = splitCommandLine(
      'curl -u $USER:${TOKEN:-none} -H "X: $(printf \'%s\' "$(cat a b)")" -d `echo 1` -d \'$NOT\' -d "cost: $5" -d a$ x',
    );
    expect(words).toEqual([
      'curl',
      '-u',
      '$USER:${TOKEN:-none}',
      '-H',
      'X: $(printf \'%s\' "$(cat a b)")',
      '-d',
      '`echo 1`',
      '-d',
      '$NOT',
      '-d',
      'cost: $5',
      '-d',
      'a$',
      'x',
    ]);
  });

  it('skips comment lines above the command and a (venv) prompt', () => {
    expect(splitCommandLine('# list the commits\n# (seed)\n\ncurl https://x')).toEqual([
      'curl',
      'https://x',
    ]);
    expect(splitCommandLine('# curl https://x')).toEqual(['curl', 'https://x']);
    expect(splitCommandLine('(venv) jdoe@box:~$ curl https://x')).toEqual(['curl', 'https://x']);
    expect(() => splitCommandLine('# only a comment')).toThrow('the curl command is empty');
  });

  it('keeps # inside a word and stops at a comment', () => {
    expect(splitCommand('curl https://x/a#frag # the call').argv).toEqual([
      'curl',
      'https://x/a#frag',
    ]);
    expect(splitCommand('curl https://x/a#frag # the call').stoppedAt).toBe('#');
  });

  it('stops at the end of the first line without a continuation', () => {
    const split = splitCommand('curl https://x/a\ncurl https://x/b');
    expect(split.argv).toEqual(['curl', 'https://x/a']);
    expect(split.stoppedAt).toBe('newline');
    expect(splitCommand('curl https://x/a\n\n').stoppedAt).toBeUndefined();
  });

  it('splits quote()d argv back into the same words (property)', () => {
    const word = fc
      .string({ unit: 'grapheme', maxLength: 20 })
      .filter((w) => !/[\r\uE000\uE001]/.test(w));
    fc.assert(
      fc.property(fc.array(word, { maxLength: 8 }), (ws) => {
        const argv = ['curl', ...ws];
        expect(splitCommandLine(shellQuote(argv))).toEqual(argv);
      }),
      { numRuns: 300 },
    );
  });
});

describe('parseCurl details', () => {
  it('reads combined short options with an attached or separate argument', () => {
    expect(parseCurl(['curl', '-sXPUT', 'x']).method).toBe('PUT');
    expect(parseCurl(['curl', '-sX', 'DELETE', 'x']).method).toBe('DELETE');
    expect(parseCurl(['curl', '-HAccept: x', 'u']).headers).toEqual([
      { name: 'Accept', value: 'x', flag: '-H' },
    ]);
    expect(parseCurl(['curl', '-Lkns', 'x'])).toMatchObject({
      location: true,
      insecure: true,
      netrc: true,
    });
  });

  it('implies the method from the other options', () => {
    expect(parseCurl(['curl', '-d', 'a=1', 'x']).method).toBe('POST');
    expect(parseCurl(['curl', '-G', '-d', 'a=1', 'x']).method).toBe('GET');
    expect(parseCurl(['curl', '-I', 'x']).method).toBe('HEAD');
    expect(parseCurl(['curl', '-T', 'file', 'x'])).toMatchObject({
      method: 'PUT',
      ignored: ['-T'],
    });
    expect(parseCurl(['curl', '-F', 'a=@f', 'x']).method).toBe('POST');
    expect(parseCurl(['curl', 'x']).explicitMethod).toBeUndefined();
  });

  it('handles --, --no- options, --expand-, --url-query, -b FILE and -H @file', () => {
    expect(parseCurl(['curl', '--', '-weird-url']).url).toBe('-weird-url');
    expect(parseCurl(['curl', '-L', '--no-location', 'x']).location).toBe(false);
    expect(parseCurl(['curl', '--expand-header', 'Accept: {{x}}', 'u']).headers[0]?.value).toBe(
      '{{x}}',
    );
    expect(parseCurl(['curl', '--url-query', 'pagelen=1', 'https://x/a?b=2']).url).toBe(
      'https://x/a?b=2&pagelen=1',
    );
    expect(parseCurl(['curl', '-b', 'cookies.txt', 'x']).ignored).toEqual(['-b FILE']);
    expect(parseCurl(['curl', '-H', '@headers.txt', 'x']).ignored).toEqual(['-H @file']);
    expect(parseCurl(['curl', '-H', 'X-Empty;', 'x']).headers).toEqual([
      { name: 'X-Empty', value: '', flag: '-H' },
    ]);
  });

  it('records unknown options by name only, never their value', () => {
    const parsed = parseCurl([
      'curl',
      `--user=jdoe:${APP_PASSWORD}`,
      '-U',
      `proxy:${APP_PASSWORD}`,
      'x',
    ]);
    expect(parsed.ignored).toEqual(['--user=…', '-U']);
    expect(parsed.url).toBe('x');
    expect(parseCurl(['curl', 'a', 'b']).ignored).toEqual(['(another URL)']);
    expect(parseCurl(['curl', 'a', '--next', 'b']).ignored).toEqual(['--next']);
    expect(parseCurl(['curl', '-H'])).toMatchObject({ ignored: ['-H'], headers: [] });
  });
});

describe('formatCurl', () => {
  const placeholders = {
    [ACCESS_TOKEN]: '$BITBUCKET_ACCESS_TOKEN',
    [API_TOKEN]: '$BITBUCKET_API_TOKEN',
  };

  it("prints the seed's corrected command with a placeholder", () => {
    const parsed = parseCurl(
      splitCommandLine(`curl -H "Authorization: bearer ${ACCESS_TOKEN}" ${SEED_URL}`),
    );
    expect(formatCurl(correctCurl(parsed, lintCurl(parsed)), { placeholders })).toBe(
      `curl -H "Authorization: Bearer $BITBUCKET_ACCESS_TOKEN" ${SEED_URL}`,
    );
    expect(formatCurl(parsed, { placeholders })).toBe(
      `curl -H "Authorization: bearer $BITBUCKET_ACCESS_TOKEN" ${SEED_URL}`,
    );
  });

  it('prints multi-line commands', () => {
    const parsed = parseCurl([
      'curl',
      '-X',
      'GET',
      '-u',
      `jdoe@example.com:${API_TOKEN}`,
      '-H',
      'Accept: application/json',
      `${API}/2.0/user`,
    ]);
    expect(formatCurl(parsed, { placeholders, multiline: true })).toBe(
      [
        'curl \\',
        '  -u "jdoe@example.com:$BITBUCKET_API_TOKEN" \\',
        "  -H 'Accept: application/json' \\",
        `  ${API}/2.0/user`,
      ].join('\n'),
    );
  });

  it('uses $BITBUCKET_SECRET for a secret without a placeholder and keeps typed references', () => {
    const parsed = parseCurl(
      splitCommandLine(
        `curl -u "jdoe:hunter2hunter2" -H "Authorization: Bearer $(cat token.txt)" "${API}/2.0/repositories/$WS?pagelen=1"`,
      ),
    );
    expect(formatCurl(parsed, { placeholders: {} })).toBe(
      `curl -u "jdoe:$BITBUCKET_SECRET" -H "Authorization: Bearer $(cat token.txt)" "${API}/2.0/repositories/$WS?pagelen=1"`,
    );
  });

  it('writes a Basic header as -u so that the secret can be a placeholder', () => {
    const basic = Buffer.from(`jdoe@example.com:${API_TOKEN}`).toString('base64');
    const parsed = parseCurl(['curl', '-H', `Authorization: Basic ${basic}`, `${API}/2.0/user`]);
    expect(formatCurl(parsed, { placeholders })).toBe(
      `curl -u "jdoe@example.com:$BITBUCKET_API_TOKEN" ${API}/2.0/user`,
    );
  });

  it('redacts secrets in the URL, the data, cookies and other secret headers', () => {
    const parsed = parseCurl([
      'curl',
      '-b',
      `session=${ACCESS_TOKEN}; theme=dark`,
      '-H',
      `X-Api-Key: ${API_TOKEN}`,
      '--json',
      `{"refresh_token": "${ACCESS_TOKEN}", "n": 1}`,
      '-d',
      `grant_type=refresh_token&refresh_token=${encodeURIComponent(ACCESS_TOKEN)}`,
      `https://jdoe:${API_TOKEN}@api.bitbucket.org/2.0/user?access_token=${encodeURIComponent(ACCESS_TOKEN)}&q=1#access_token=zzzzzzzz`,
    ]);
    const out = formatCurl(parsed, { placeholders });
    for (const secret of [ACCESS_TOKEN, API_TOKEN, encodeURIComponent(ACCESS_TOKEN), 'zzzzzzzz']) {
      expect(out).not.toContain(secret);
    }
    // Every cookie value counts as a secret (a session cookie is a credential).
    expect(out).toContain('"Cookie: session=$BITBUCKET_ACCESS_TOKEN; theme=$BITBUCKET_SECRET"');
    expect(out).toContain(
      '-d grant_type=refresh_token --data-urlencode "refresh_token=$BITBUCKET_ACCESS_TOKEN"',
    );
    expect(out).toContain(
      '"https://jdoe:$BITBUCKET_API_TOKEN@api.bitbucket.org/2.0/user?access_token=$BITBUCKET_ACCESS_TOKEN&q=1#access_token=$BITBUCKET_SECRET"',
    );
  });

  it('ignores a placeholder that is not a plain $NAME', () => {
    const parsed = parseCurl(['curl', '--oauth2-bearer', ACCESS_TOKEN, 'https://x']);
    expect(formatCurl(parsed, { placeholders: { [ACCESS_TOKEN]: 'oops not a placeholder' } })).toBe(
      'curl --oauth2-bearer "$BITBUCKET_SECRET" https://x',
    );
  });

  it('never prints a secret, whatever its characters, and expands back to the same request (property)', () => {
    const user = 'jdoe@example.com';
    const variants = (secret: string): string[][] => [
      ['curl', '-H', `Authorization: Bearer ${secret}`, SEED_URL],
      ['curl', '-H', `authorization: bearer ${secret}`, SEED_URL],
      ['curl', '-u', `${user}:${secret}`, SEED_URL],
      ['curl', '--oauth2-bearer', secret, SEED_URL],
      [
        'curl',
        '-H',
        `Authorization: Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`,
        SEED_URL,
      ],
      ['curl', '--data-urlencode', `access_token=${secret}`, SEED_URL],
      ['curl', '-d', `access_token=${encodeURIComponent(secret)}`, SEED_URL],
      ['curl', `${API}/2.0/user?access_token=${encodeURIComponent(secret)}`],
      [
        'curl',
        `https://${encodeURIComponent(user)}:${encodeURIComponent(secret)}@api.bitbucket.org/2.0/user`,
      ],
      ['curl', '-H', `X-Note: the token is ${secret}!`, SEED_URL],
    ];
    fc.assert(
      fc.property(arbSecret, fc.boolean(), fc.boolean(), (secret, fixes, multiline) => {
        const map = { [secret]: '$BITBUCKET_API_TOKEN' };
        for (const argv of variants(secret)) {
          const parsed = parseCurl(argv);
          const lints = lintCurl(parsed);
          const out = formatCurl(fixes ? correctCurl(parsed, lints) : parsed, {
            placeholders: map,
            multiline,
          });
          for (const form of forbiddenForms(secret, [user])) expect(out).not.toContain(form);
          for (const lint of lints) {
            for (const form of forbiddenForms(secret, [user]))
              expect(JSON.stringify(lint)).not.toContain(form);
          }
          // The printed command, run by a shell with the placeholder exported, sends the same credentials.
          // (Not for the URL's query and userinfo: a placeholder there is not URL-encoded; and a
          // corrected command trims the secret.)
          if (argv.some((w) => w.includes('?') || w.includes('@api'))) continue;
          if (fixes && (secret !== secret.trim() || /^(["']).*\1$/s.test(secret.trim()))) continue;
          const words = shellParse(out.replace(/ \\\n {2}/g, ' '), { BITBUCKET_API_TOKEN: secret });
          const reparsed = parseCurl(words.map((w) => (typeof w === 'string' ? w : '')));
          const before = credentialsOf(fixes ? correctCurl(parsed, lints) : parsed);
          expect(credentialsOf(reparsed)).toEqual(before);
        }
      }),
      { numRuns: 150 },
    );
  });
});

/** What a request authenticates with, whether given as -u, --oauth2-bearer or a header. */
function credentialsOf(parsed: ParsedCurl): Record<string, string | undefined> {
  const request = toFailingRequest(parsed);
  const auth = request?.headers.find((h) => h.name.toLowerCase() === 'authorization')?.value;
  const basic = /^basic (.*)$/i.exec(auth ?? '');
  if (basic?.[1] !== undefined) {
    const text = Buffer.from(basic[1], 'base64').toString('utf8');
    return { basic: text };
  }
  if (request?.basic) return { basic: `${request.basic.username}:${request.basic.secret}` };
  // Compare bodies decoded: `-d name=<encoded>` is printed as `--data-urlencode "name=$X"`.
  const body =
    request?.body === undefined
      ? undefined
      : JSON.stringify(splitParams(request.body).map((p) => [p.name, decodeComponent(p.value)]));
  return {
    auth,
    body,
    headers: JSON.stringify(request?.headers.filter((h) => h.name !== 'Authorization')),
  };
}

describe('toFailingRequest', () => {
  it('builds the request curl sends', () => {
    const parsed = parseCurl(
      splitCommandLine(
        `curl -G -d pagelen=10 --data-urlencode 'q=name ~ "web"' -u jdoe:pw -H 'Accept: application/json' ${API}/2.0/repositories/acme`,
      ),
    );
    expect(toFailingRequest(parsed)).toEqual({
      method: 'GET',
      url: `${API}/2.0/repositories/acme?pagelen=10&q=name%20~%20%22web%22`,
      headers: [{ name: 'Accept', value: 'application/json', source: 'curl:-H' }],
      basic: { username: 'jdoe', secret: 'pw', source: 'curl:-u' },
      source: 'curl',
    });
  });

  it('turns --oauth2-bearer into a header, URL userinfo into basic, and drops headers without a colon', () => {
    const parsed = parseCurl([
      'curl',
      '--oauth2-bearer',
      'tok',
      '-H',
      'Authorization Bearer x',
      '-d',
      'a=1',
      'https://u:p%2B@h/x',
    ]);
    expect(toFailingRequest(parsed)).toEqual({
      method: 'POST',
      url: 'https://h/x',
      headers: [{ name: 'Authorization', value: 'Bearer tok', source: 'curl:--oauth2-bearer' }],
      body: 'a=1',
      basic: { username: 'u', secret: 'p+', source: 'curl:url' },
      source: 'curl',
    });
    expect(toFailingRequest(parseCurl(['curl', 'api.bitbucket.org/2.0/user']))?.url).toBe(
      'http://api.bitbucket.org/2.0/user',
    );
    expect(toFailingRequest(parseCurl(['curl', '-s']))).toBeUndefined();
  });
});
