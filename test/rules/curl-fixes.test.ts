import { describe, expect, it } from 'vitest';
import { parseCurl, splitCommandLine, type ParsedCurl } from '../../src/intake/curl.js';
import { correctCurl, lintCurl } from '../../src/rules/curl/index.js';

const API = 'https://api.bitbucket.org';
const SEED_URL = `${API}/2.0/repositories/acme/secret-repo/commits/master`;
const ACCESS_TOKEN = 'q8Zr3vXk2LmP9sTbYw4nHc7dFj1gQe5uRa6oKi0xVz-EyB_UtN3mWp8sLd2Jh==';
const API_TOKEN =
  'ATATT3xFfGF0T9k2mQx7Lp4Rz8Vb1Nc6Hd3Js5Kf0Wg2Ye9Ua4Ti7Oq1Pr6Es3Dw8Mx5Cv2Bn0Zl7Hk4Jg1=7C3A9B2D';

describe('lint data', () => {
  const lintOf = (command: string, options = {}) =>
    lintCurl(parseCurl(splitCommandLine(command)), options);

  it('names the variable to export, or the file for $(cat file)', () => {
    const [variable] = lintOf(`curl -H "Authorization: bearer $TOKEN" ${SEED_URL}`);
    expect(variable?.data).toMatchObject({
      variable: 'TOKEN',
      expression: '$TOKEN',
      kind: 'variable',
    });
    expect(variable?.hint).toContain('export TOKEN=');
    const [file] = lintOf(`curl -H "Authorization: Bearer $(cat token.txt)" ${SEED_URL}`);
    expect(file?.data).toMatchObject({
      file: 'token.txt',
      kind: 'command',
      suggestedVariable: 'BITBUCKET_ACCESS_TOKEN',
    });
    expect(file?.message).toContain('token.txt');
    const [redirect] = lintOf(`curl -u "a@b.c:$(<~/.config/bb/token)" ${SEED_URL}`);
    expect(redirect?.data).toMatchObject({
      file: '~/.config/bb/token',
      suggestedVariable: 'BITBUCKET_API_TOKEN',
    });
    const [braced] = lintOf(`curl -H "Authorization: Bearer \${BB_TOKEN:?unset}" ${SEED_URL}`);
    expect(braced?.data).toMatchObject({ variable: 'BB_TOKEN' });
    const [command] = lintOf(
      'curl -H "Authorization: Bearer $(security find-generic-password -w -s bb)" x',
    );
    expect(command?.data).toMatchObject({ command: 'security find-generic-password -w -s bb' });
    expect(command?.data?.['file']).toBeUndefined();
  });

  it('fails an unexpanded credential, warns about a $ in other data', () => {
    const lints = lintOf(
      `curl -H 'X-Trace: $TRACE' -d 'q=$foo' -d "refresh_token=$RT" -u "$BB_USER:pw" ${API}/2.0/user`,
    );
    expect(
      lints
        .filter((l) => l.code === 'SECRET_UNEXPANDED')
        .map((l) => [l.data?.['variable'], l.severity]),
    ).toEqual([
      ['TRACE', 'warn'],
      ['BB_USER', 'fail'],
      ['foo', 'warn'],
      ['RT', 'fail'],
    ]);
  });

  it('gives the 2.0 replacement of a v1 path (the whole URL, as api-version does)', () => {
    const [v1] = lintOf(`curl ${API}/1.0/repositories/acme/secret-repo/changesets`);
    expect(v1).toMatchObject({
      fixable: true,
      data: { replacement: `${API}/2.0/repositories/acme/secret-repo/commits` },
    });
    const [user] = lintOf(`curl https://bitbucket.org/api/1.0/user/repositories`);
    expect(user).toMatchObject({
      code: 'API_V1_REMOVED',
      fixable: false,
      data: { replacement: `${API}/2.0/repositories/{workspace}?role=member` },
    });
  });

  it('treats the hosts of --api-url/--auth-url as Cloud', () => {
    const dc = 'curl http://127.0.0.1:43117/rest/api/1.0/projects/ACME/repos/web';
    expect(lintOf(dc).map((l) => l.code)).toEqual([]);
    expect(lintOf(dc, { apiUrl: 'http://127.0.0.1:43117' })[0]).toMatchObject({
      code: 'DATA_CENTER_PATH_ON_CLOUD',
      data: { replacement: 'http://127.0.0.1:43117/2.0/repositories/{workspace}/web' },
    });
    const website = lintOf('curl http://localhost:9000/2.0/user', {
      apiUrl: 'http://127.0.0.1:9001',
      authUrl: 'http://localhost:9000',
    });
    expect(website[0]).toMatchObject({
      code: 'WRONG_HOST',
      edit: { origin: { scheme: 'http', host: '127.0.0.1', port: '9001' } },
    });
    const parsed = parseCurl(splitCommandLine('curl http://localhost:9000/2.0/user'));
    expect(correctCurl(parsed, website).url).toBe('http://127.0.0.1:9001/2.0/user');
  });

  it('says the replay will not send a write', () => {
    const [note] = lintOf(`curl -X DELETE ${API}/2.0/repositories/acme/secret-repo`);
    expect(note).toMatchObject({
      code: 'WRITE_METHOD_NOT_REPLAYED',
      severity: 'note',
      fixable: false,
    });
    expect(note?.message).toContain('will not send it');
  });
});

describe('correctCurl', () => {
  const fix = (command: string): ParsedCurl => {
    const parsed = parseCurl(splitCommandLine(command));
    return correctCurl(parsed, lintCurl(parsed));
  };

  it("fixes the seed's scheme and keeps the rest", () => {
    const fixed = fix(`curl -s -H "Authorization: bearer ${ACCESS_TOKEN}" ${SEED_URL}`);
    expect(fixed.headers).toEqual([
      { name: 'Authorization', value: `Bearer ${ACCESS_TOKEN}`, flag: '-H' },
    ]);
    expect(fixed.url).toBe(SEED_URL);
    expect(fixed.argv).toEqual(['curl', '-H', `Authorization: Bearer ${ACCESS_TOKEN}`, SEED_URL]);
    expect(lintCurl(fixed)).toEqual([]);
  });

  it('does not change its input', () => {
    const parsed = parseCurl(splitCommandLine(`curl -H "Authorization: bearer x" ${SEED_URL}`));
    const copy = structuredClone(parsed);
    correctCurl(parsed, lintCurl(parsed));
    expect(parsed).toEqual(copy);
  });

  it('moves access_token from the query or the body to Authorization: Bearer', () => {
    const query = fix(
      `curl "${API}/2.0/repositories/acme?access_token=${encodeURIComponent('a+b/c=')}&pagelen=5"`,
    );
    expect(query.url).toBe(`${API}/2.0/repositories/acme?pagelen=5`);
    expect(query.headers).toEqual([{ name: 'Authorization', value: 'Bearer a+b/c=', flag: '-H' }]);
    const body = fix(`curl -d access_token=${ACCESS_TOKEN} ${API}/2.0/repositories/acme`);
    expect(body).toMatchObject({ method: 'GET', data: [] });
    expect(body.headers[0]?.value).toBe(`Bearer ${ACCESS_TOKEN}`);
    const get = fix(
      `curl -G --data-urlencode access_token=${ACCESS_TOKEN} -d pagelen=10 ${API}/2.0/user`,
    );
    expect(get).toMatchObject({ method: 'GET', data: [{ flag: '-d', value: 'pagelen=10' }] });
  });

  it('fixes hosts, paths and schemes', () => {
    expect(fix(`curl -u a:b https://bitbucket.org/!api/2.0/repositories/acme`).url).toBe(
      `${API}/2.0/repositories/acme`,
    );
    expect(fix(`curl -u a:b http://bitbucket.org/2.0/user`).url).toBe(`${API}/2.0/user`);
    expect(fix(`curl -u a:b http://api.bitbucket.org/2.0/user`).url).toBe(`${API}/2.0/user`);
    expect(fix('curl -u a:b api.bitbucket.org/2.0/user').url).toBe(`${API}/2.0/user`);
    expect(fix('curl http://127.0.0.1:4000/!api/2.0/user').url).toBe(
      'http://127.0.0.1:4000/2.0/user',
    );
    // v1 query parameters are not 2.0's (2.0 paginates with pagelen/page): not carried over.
    expect(fix(`curl ${API}/1.0/repositories/acme/web/changesets?limit=5`).url).toBe(
      `${API}/2.0/repositories/acme/web/commits`,
    );
    expect(
      fix(`curl -X POST ${API}/site/oauth2/access_token -u a:b -d grant_type=client_credentials`)
        .url,
    ).toBe('https://bitbucket.org/site/oauth2/access_token');
  });

  it('fixes the header shape: missing scheme, token, spacing, colon, quotes, Basic in clear', () => {
    const value = (header: string) =>
      fix(`curl -H '${header}' ${API}/2.0/user`).headers.find((h) => h.name === 'Authorization')
        ?.value;
    expect(value('Authorization: abc')).toBe('Bearer abc');
    expect(value('Authorization: token abc')).toBe('Bearer abc');
    expect(value('Authorization: bearer  abc')).toBe('Bearer abc');
    expect(value('Authorization: bearer: abc')).toBe('Bearer abc');
    expect(value('Authorization: Bearer "abc"')).toBe('Bearer abc');
    expect(value('Authorization: Basic jdoe:pw')).toBe(
      `Basic ${Buffer.from('jdoe:pw').toString('base64')}`,
    );
    expect(value(`Authorization: ${API_TOKEN}`)).toBe(API_TOKEN);
    const noColon = fix(`curl -H 'Authorization Bearer abc' ${API}/2.0/user`);
    expect(noColon.headers).toEqual([{ name: 'Authorization', value: 'Bearer abc', flag: '-H' }]);
    expect(noColon.argv).toContain('Authorization: Bearer abc');
  });

  it('moves user:secret from the URL and consumer credentials from the body to -u', () => {
    expect(fix(`curl https://jdoe:p%40ss@api.bitbucket.org/2.0/user`)).toMatchObject({
      url: `${API}/2.0/user`,
      user: { username: 'jdoe', secret: 'p@ss' },
    });
    const consumer = fix(
      'curl https://bitbucket.org/site/oauth2/access_token -d grant_type=client_credentials -d client_id=KEY -d client_secret=SECRET',
    );
    expect(consumer).toMatchObject({
      user: { username: 'KEY', secret: 'SECRET' },
      data: [{ flag: '-d', value: 'grant_type=client_credentials' }],
      method: 'POST',
    });
  });

  it('applies only the lints it is given', () => {
    const parsed = parseCurl(
      splitCommandLine(`curl -H "Authorization: bearer x" http://api.bitbucket.org/2.0/user`),
    );
    const onlyScheme = lintCurl(parsed).filter((l) => l.code === 'HEADER_SCHEME_CASE');
    const fixed = correctCurl(parsed, onlyScheme);
    expect(fixed.url).toBe('http://api.bitbucket.org/2.0/user');
    expect(fixed.headers[0]?.value).toBe('Bearer x');
  });
});
