/**
 * Regression tests for every disagreement between the old curl lint (src/intake/curl-lint.ts)
 * and knowledge (src/knowledge/api-versions.ts, src/facts/header-lint.ts), found by running both
 * on every path and header of the tests and fixtures. Each row pins the answer that won, with the
 * § of bitbucket-auth.md (or the contract) that decided it, and checks that the curl rules, the
 * URL judgement and the Authorization linter now give that one answer.
 */
import { describe, expect, it } from 'vitest';
import {
  authorizationProblems,
  correctedAuthorization,
  lintAuthorization,
} from '../../src/facts/header-lint.js';
import { parseCurl } from '../../src/intake/curl.js';
import { classifyUrl, correctedUrl, type UrlOptions } from '../../src/knowledge/api-versions.js';
import { isCredentialHeader } from '../../src/knowledge/wire.js';
import { correctCurl, lintCurl } from '../../src/rules/curl/index.js';

const API = 'https://api.bitbucket.org';
const WEB = 'https://bitbucket.org';
const SIM = 'http://127.0.0.1:4000';
const URL_CODES = [
  'INSECURE_HTTP',
  'SECRET_IN_URL',
  'WRONG_HOST',
  'API_V1_REMOVED',
  'ENDPOINT_REMOVED',
  'DATA_CENTER_PATH_ON_CLOUD',
];

interface UrlRow {
  readonly name: string;
  readonly url: string;
  readonly options?: UrlOptions;
  readonly codes: readonly string[];
  /** The one corrected URL (the URL itself when nothing concrete applies). */
  readonly corrected: string;
  /** The advice shown (placeholders included), when it differs from `corrected`. */
  readonly advice?: string;
}

const URLS: readonly UrlRow[] = [
  {
    name: 'D1 §6 [H] "commits on one branch → /commits/{revision}": changesets?branch= → commits/master (knowledge won)',
    url: `${API}/1.0/repositories/acme/repo/changesets?branch=master`,
    codes: ['API_V1_REMOVED'],
    corrected: `${API}/2.0/repositories/acme/repo/commits/master`,
  },
  {
    name: 'D2 §6: 1.0 query parameters are not carried over to 2.0 (knowledge won)',
    url: `${API}/1.0/repositories/acme/web/changesets?limit=5`,
    codes: ['API_V1_REMOVED'],
    corrected: `${API}/2.0/repositories/acme/web/commits`,
  },
  {
    name: 'D3 §1.1 [H] "the domains are not interchangeable": a 1.0 path on the website moves to the API host (knowledge won)',
    url: `${WEB}/api/1.0/user`,
    codes: ['API_V1_REMOVED'],
    corrected: `${API}/2.0/user`,
  },
  {
    name: 'D4 §6 [H] "/2.0/users/{account_id or {uuid}}": /1.0/users/{name} → {account_id} (curl-lint won)',
    url: `${API}/1.0/users/bob`,
    codes: ['API_V1_REMOVED'],
    corrected: `${API}/1.0/users/bob`,
    advice: `${API}/2.0/users/{account_id}`,
  },
  {
    name: 'D5 §6 (mapping partial, [U]): an unmapped 1.0 sub-resource gets the 2.0 resource of the same name (knowledge won)',
    url: `${API}/1.0/repositories/acme/r/pullrequests/3`,
    codes: ['API_V1_REMOVED'],
    corrected: `${API}/2.0/repositories/acme/r/pullrequests/3`,
  },
  {
    name: 'D6 §6, §1.1: OAuth 1.0a endpoints → the OAuth 2.0 token endpoint on the website host (knowledge won)',
    url: `${API}/1.0/oauth/access_token`,
    codes: ['API_V1_REMOVED'],
    corrected: `${WEB}/site/oauth2/access_token`,
  },
  {
    name: 'D7 §3.7 [M]: a concrete replacement of a removed endpoint is applied (knowledge won)',
    url: `${API}/2.0/workspaces?pagelen=100`,
    codes: ['ENDPOINT_REMOVED'],
    corrected: `${API}/2.0/user/workspaces?pagelen=100`,
  },
  {
    name: 'D8 §6 [H] "/2.0/teams/{team}/… → /2.0/workspaces/{workspace}/…" (knowledge won)',
    url: `${API}/2.0/teams/acme/members`,
    codes: ['ENDPOINT_REMOVED'],
    corrected: `${API}/2.0/workspaces/acme/members`,
  },
  {
    name: 'D9 §3.7, contract: /2.0/user/permissions/* is removed, teams included (knowledge won)',
    url: `${API}/2.0/user/permissions/teams`,
    codes: ['ENDPOINT_REMOVED'],
    corrected: `${API}/2.0/user/permissions/teams`,
  },
  {
    name: 'D10 §5.1: most /2.0/users/* went on 2020-10-14 (knowledge won)',
    url: `${API}/2.0/users/acme/repositories`,
    codes: ['ENDPOINT_REMOVED'],
    corrected: `${API}/2.0/repositories/acme`,
  },
  {
    name: 'D11 §3.2: /repositories//?role=member is an empty workspace segment ("no API hosted"), not CHANGE-2770 (curl-lint won)',
    url: `${API}/2.0/repositories//?role=member`,
    codes: [],
    corrected: `${API}/2.0/repositories//?role=member`,
  },
  {
    name: 'D12 §8, contract: a Data Center path on a Data Center host is its current API (curl-lint won)',
    url: 'https://git.example.com/rest/api/1.0/projects/ACME/repos/web',
    codes: [],
    corrected: 'https://git.example.com/rest/api/1.0/projects/ACME/repos/web',
  },
  {
    name: 'D13 §8 "{host}[/{context}]": a multi-segment context path is a Data Center path (curl-lint won)',
    url: `${API}/org/team/rest/api/1.0/projects/ACME/repos/web`,
    codes: ['DATA_CENTER_PATH_ON_CLOUD'],
    corrected: `${API}/org/team/rest/api/1.0/projects/ACME/repos/web`,
    advice: `${API}/2.0/repositories/{workspace}/web`,
  },
  {
    name: 'D14 §9.17: Server-style /projects/{KEY}/repos/{slug} on Cloud (curl-lint won)',
    url: `${API}/projects/ACME/repos/web`,
    codes: ['DATA_CENTER_PATH_ON_CLOUD'],
    corrected: `${API}/projects/ACME/repos/web`,
    advice: `${API}/2.0/repositories/{workspace}/web`,
  },
  {
    name: 'D15 §8: the bare /rest/api/1.0 base is a Data Center path too (knowledge won)',
    url: `${API}/rest/api/1.0`,
    codes: ['DATA_CENTER_PATH_ON_CLOUD'],
    corrected: `${API}/rest/api/1.0`,
  },
  {
    name: 'D16 §8, §9.17: Data Center sub-resources map to their Cloud resources (knowledge won)',
    url: `${API}/rest/api/1.0/projects/ACME/repos/web/pull-requests`,
    codes: ['DATA_CENTER_PATH_ON_CLOUD'],
    corrected: `${API}/rest/api/1.0/projects/ACME/repos/web/pull-requests`,
    advice: `${API}/2.0/repositories/{workspace}/web/pullrequests`,
  },
  {
    name: 'D17 §6, §9.17: /api/2.0 is the website prefix on any host (curl-lint won)',
    url: `${API}/api/2.0/user`,
    codes: ['WRONG_HOST'],
    corrected: `${API}/2.0/user`,
  },
  {
    name: 'D18 §3.3 "bare api.bitbucket.org/user → 403": the missing /2.0 is WRONG_HOST (knowledge won)',
    url: `${API}/user`,
    codes: ['WRONG_HOST'],
    corrected: `${API}/2.0/user`,
  },
  {
    name: 'D19 contract SECRET_IN_URL, §1.3: a client_secret in the query (knowledge won)',
    url: `${WEB}/site/oauth2/access_token?client_secret=xyz`,
    codes: ['SECRET_IN_URL'],
    corrected: `${WEB}/site/oauth2/access_token`,
  },
  {
    name: 'D21 §1.1 on the run hosts: the --auth-url host with an API path moves to the --api-url origin (curl-lint won)',
    url: 'http://localhost:9000/2.0/user',
    options: { apiUrl: 'http://127.0.0.1:9001', authUrl: 'http://localhost:9000' },
    codes: ['WRONG_HOST'],
    corrected: 'http://127.0.0.1:9001/2.0/user',
  },
  {
    name: 'D23: the corrected URL keeps the text as typed ({, ~, trailing slash) (curl-lint won)',
    url: `${WEB}/2.0/repositories/{workspace}/r/refs/branches/?q=name~"x"`,
    codes: ['WRONG_HOST'],
    corrected: `${API}/2.0/repositories/{workspace}/r/refs/branches/?q=name~"x"`,
  },
  {
    name: 'D24 §10.1: a bitbucket.org subdomain is Cloud, so a Data Center path there is on Cloud (curl-lint won)',
    url: 'https://eu.bitbucket.org/rest/api/1.0/projects',
    codes: ['DATA_CENTER_PATH_ON_CLOUD'],
    corrected: 'https://eu.bitbucket.org/rest/api/1.0/projects',
  },
  {
    name: 'D6 on the simulator: an OAuth 1.0a path stays on the run host that serves both (knowledge changed)',
    url: `${SIM}/1.0/oauth/access_token`,
    options: { apiUrl: SIM, authUrl: SIM },
    codes: ['API_V1_REMOVED'],
    corrected: `${SIM}/site/oauth2/access_token`,
  },
];

describe('one URL judgement: the curl rules and knowledge agree', () => {
  it.each(URLS)('$name', ({ url, options, codes, corrected, advice }) => {
    const classification = classifyUrl(url, options);
    expect(classification.problems.map((p) => p.code)).toEqual(codes);
    expect(correctedUrl(url, options)).toBe(corrected);
    if (advice !== undefined) expect(classification.adviceUrl).toBe(advice);
    const parsed = parseCurl(['curl', url]);
    const lints = lintCurl(parsed, options);
    expect(lints.map((l) => l.code).filter((c) => URL_CODES.includes(c))).toEqual(codes);
    expect(correctCurl(parsed, lints).url).toBe(corrected);
  });

  it('D20 contract SECRET_IN_URL: user:secret@ fails, the documented x-token-auth form warns', () => {
    expect(classifyUrl(`https://jdoe:pw@api.bitbucket.org/2.0/user`).problems[0]).toMatchObject({
      code: 'SECRET_IN_URL',
      severity: 'fail',
    });
    expect(
      lintCurl(parseCurl(['curl', 'https://jdoe:pw@api.bitbucket.org/2.0/user']))[0],
    ).toMatchObject({ code: 'SECRET_IN_URL', severity: 'fail' });
    expect(
      lintCurl(parseCurl(['curl', 'https://x-token-auth:t@api.bitbucket.org/2.0/user']))[0],
    ).toMatchObject({ code: 'SECRET_IN_URL', severity: 'warn' });
  });

  it('D22 curl(1): a URL without a scheme is plain http, so INSECURE_HTTP (curl-lint won)', () => {
    const lints = lintCurl(parseCurl(['curl', 'api.bitbucket.org/2.0/user']));
    expect(lints.map((l) => l.code)).toEqual(['INSECURE_HTTP']);
    expect(correctedUrl('http://api.bitbucket.org/2.0/user')).toBe(`${API}/2.0/user`);
  });
});

interface HeaderRow {
  readonly name: string;
  readonly value: string;
  /** The problem ids of the one linter, in order. */
  readonly ids: readonly string[];
  /** header-casing's code (lintAuthorization), undefined: passes. */
  readonly code?: string;
  /** The header of the corrected command; undefined: no mechanical fix. */
  readonly corrected?: string;
}

const API_TOKEN = 'ATATT3xFfGF0abc';
const CONNECT_JWT = `eyJhbGciOiJIUzI1NiJ9.${Buffer.from('{"qsh":"x"}').toString('base64url')}.c2ln`;

const HEADERS: readonly HeaderRow[] = [
  {
    name: 'H1 §2.1 (RFC 7235: the scheme is a token, ":" is not a token character), contract "does not parse": Bearer: abc is HEADER_MALFORMED (curl-lint won)',
    value: 'Bearer: abc',
    ids: ['scheme-colon'],
    code: 'HEADER_MALFORMED',
    corrected: 'Bearer abc',
  },
  {
    name: 'H2 §1.2, §2.3: JWT outside Connect is fixed to Bearer (header-lint won)',
    value: 'JWT abc',
    ids: ['jwt-outside-connect'],
    code: 'HEADER_SCHEME_UNKNOWN',
    corrected: 'Bearer abc',
  },
  {
    name: 'H3 §1.2: a Connect JWT (qsh claim) is well-formed (curl-lint won)',
    value: `JWT ${CONNECT_JWT}`,
    ids: [],
  },
  {
    name: 'H4 §1.2 "JWT (case sensitive)": jwt with a Connect JWT is a case problem only',
    value: `jwt ${CONNECT_JWT}`,
    ids: ['scheme-case'],
    code: 'HEADER_SCHEME_CASE',
    corrected: `JWT ${CONNECT_JWT}`,
  },
  {
    name: 'H5 §2.3 "Digest not supported": no Bearer rewrite of Digest credentials (curl-lint won)',
    value: 'Digest username="x"',
    ids: ['scheme-unsupported'],
    code: 'HEADER_SCHEME_UNKNOWN',
  },
  {
    name: 'H6 §10.3 (rewrite only case, no scheme, token): another unknown scheme has no mechanical fix (curl-lint won)',
    value: 'OAuth abc',
    ids: ['scheme-unknown'],
    code: 'HEADER_SCHEME_UNKNOWN',
  },
  {
    name: 'H7 §5.3, §2.3: an API token without a scheme is not rewritten to Bearer (curl-lint won)',
    value: API_TOKEN,
    ids: ['no-scheme'],
    code: 'HEADER_SCHEME_UNKNOWN',
  },
  {
    name: 'H7 §5.3: nor with the token scheme',
    value: `token ${API_TOKEN}`,
    ids: ['scheme-unknown'],
    code: 'HEADER_SCHEME_UNKNOWN',
  },
  {
    name: 'H8 §2.3 (Basic = base64 of user:secret): Basic in clear is encoded (curl-lint won)',
    value: 'Basic jdoe:pw',
    ids: ['basic-not-encoded'],
    code: 'HEADER_MALFORMED',
    corrected: `Basic ${Buffer.from('jdoe:pw').toString('base64')}`,
  },
  {
    name: 'H9 contract SECRET_WHITESPACE "quotes around it": quoted credentials (curl-lint won; not header-casing\'s code)',
    value: 'Bearer "abc"',
    ids: ['secret-whitespace'],
    corrected: 'Bearer abc',
  },
  {
    name: 'H10 causal order (findings.ts), contract SECRET_UNEXPANDED: $(cat f) is not a malformed token (curl-lint won)',
    value: 'Bearer $(cat token file)',
    ids: [],
  },
  {
    name: 'H10: nor is Basic $B64',
    value: 'Basic $B64',
    ids: [],
  },
  {
    name: 'H11 contract SECRET_WHITESPACE "a newline": a line break after the token (both lost)',
    value: 'Bearer abc\n',
    ids: ['secret-whitespace'],
    corrected: 'Bearer abc',
  },
  {
    name: 'H12 §2.1: Bearer:abc is the scheme with a colon, not a token "Bearer:abc" (both lost)',
    value: 'Bearer:abc',
    ids: ['scheme-colon'],
    code: 'HEADER_MALFORMED',
    corrected: 'Bearer abc',
  },
  {
    name: 'H13: every mechanical fix goes into the one corrected header (header-lint fixed only its first)',
    value: 'bearer:  "abc"',
    ids: ['scheme-colon', 'scheme-case', 'spacing', 'secret-whitespace'],
    code: 'HEADER_MALFORMED',
    corrected: 'Bearer abc',
  },
];

describe('one Authorization linter: header-casing, saved-exchange and the curl rules agree', () => {
  it.each(HEADERS)('$name', ({ value, ids, code, corrected }) => {
    expect(authorizationProblems(value).map((p) => p.id)).toEqual(ids);
    expect(lintAuthorization(value)?.code).toBe(code);
    expect(correctedAuthorization(value)).toBe(corrected);
    const parsed = parseCurl(['curl', '-H', `Authorization: ${value}`, `${API}/2.0/user`]);
    const fixed = correctCurl(parsed, lintCurl(parsed));
    expect(fixed.headers[0]?.value).toBe(corrected ?? parsed.headers[0]?.value);
  });

  it('C1: one list of credential headers (the union of curl-lint, credentials.ts and auth.ts)', () => {
    for (const name of ['Authorization', 'Proxy-Authorization', 'Cookie', 'Private-Token'])
      expect(isCredentialHeader(name), name).toBe(true);
    // curl-lint knew X-Api-Key but not X-Auth-Token; credentials.ts the other way round.
    expect(isCredentialHeader('X-Api-Key')).toBe(true);
    expect(isCredentialHeader('X-Auth-Token')).toBe(true);
    expect(isCredentialHeader('Accept')).toBe(false);
    const [lint] = lintCurl(parseCurl(['curl', '-H', 'X-Auth-Token: $T', `${API}/2.0/user`]));
    expect(lint).toMatchObject({ code: 'SECRET_UNEXPANDED', severity: 'fail' });
  });
});
