import nock from 'nock';
import { expect } from 'vitest';
import check, { type HeaderCasingFacts } from '../../checks/header-casing.js';
import { credentialFromAuthorization } from '../../src/intake/input.js';
import type { CheckReport, DoctorInput, GivenHeader } from '../../src/types.js';
import { testCheck } from '../helpers/check-tester.js';
import { API } from '../helpers/context.js';
import { fixturesOf } from '../helpers/fixtures.js';
import { testJudge } from '../helpers/judge-tester.js';

const fx = fixturesOf('header-casing');
const TOKEN = 'oauthValidTokenForAlice_abcdefghijklmnopqrstuvwxyz0123456789';
const API_TOKEN = 'ATATT3xFfGF0aliceApiToken=0000AAAA';
const REPO_PATH = '/2.0/repositories/acme/secret-repo';
const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

const USER = `${API}/2.0/user`;
/** The header as given, not replayed (offline, or nothing to correct). */
const header = (value: string, extra: Partial<HeaderCasingFacts> = {}): HeaderCasingFacts => ({
  header: { value, source: 'flag:--header' },
  options: {},
  target: USER,
  replayed: false,
  ...extra,
});
/** The header and the replay's two answers. */
const replayed = (value: string, asSent: number, corrected: number): HeaderCasingFacts =>
  header(value, { replayed: true, asSent, corrected });
const CONNECT_JWT = `eyJhbGciOiJIUzI1NiJ9.${Buffer.from('{"qsh":"x"}').toString('base64url')}.c2ln`;

testJudge(check, {
  valid: [
    {
      name: 'no Authorization header: skipped',
      facts: { options: {}, target: USER, replayed: false },
      verdict: 'skip',
    },
    { name: 'Bearer <token>', facts: header(`Bearer ${TOKEN}`), data: { scheme: 'Bearer' } },
    { name: 'Basic base64(email:token)', facts: header(`Basic ${b64(`a@b.c:${API_TOKEN}`)}`) },
    {
      name: 'a Connect JWT (qsh claim) is well-formed (§1.2)',
      facts: header(`JWT ${CONNECT_JWT}`),
    },
    {
      name: 'the JWT scheme at the token endpoint with the JWT grant (§1.2)',
      facts: header('JWT abc', { options: { jwtGrant: true } }),
    },
    {
      name: "quoted credentials are the credentials check's SECRET_WHITESPACE, not the header's form",
      facts: header(`Bearer "${TOKEN}"`),
    },
    {
      name: 'an unexpanded $(cat file) is SECRET_UNEXPANDED (causal order), not a malformed token',
      facts: header('Bearer $(cat token file)'),
    },
  ],
  invalid: [
    {
      name: 'bearer, replayed: 404 as sent, 200 corrected: proof verified',
      facts: replayed(`bearer ${TOKEN}`, 404, 200),
      code: 'HEADER_SCHEME_CASE',
      proof: { asSent: 404, corrected: 200, verified: true },
      data: { proven: true, fixVerified: true },
      assert: (outcome) => {
        expect(outcome.proof?.command).toBe(
          `curl -H "Authorization: Bearer $BITBUCKET_ACCESS_TOKEN" ${USER}`,
        );
      },
    },
    {
      name: 'a replay that changes nothing proves nothing',
      facts: replayed('JWT abc', 401, 401),
      code: 'HEADER_SCHEME_UNKNOWN',
      summary: /changed nothing \(401 both times\)/u,
      proof: { verified: false },
    },
    {
      name: 'explain: the captured header alone, no replay (proof unverified, nothing corrected sent)',
      facts: header(`bearer ${TOKEN}`, { asSent: 404 }),
      code: 'HEADER_SCHEME_CASE',
      proof: { asSent: 404, corrected: undefined, verified: false },
      data: { proven: false },
    },
    {
      name: '"Bearer: x" does not parse: HEADER_MALFORMED (RFC 7235 via §2.1), corrected to Bearer x',
      facts: header(`Bearer: ${TOKEN}`),
      code: 'HEADER_MALFORMED',
      summary: /colon after the scheme/u,
      proof: { command: `curl -H "Authorization: Bearer $BITBUCKET_ACCESS_TOKEN" ${USER}` },
    },
    {
      name: 'an unknown scheme other than token has no mechanical fix (§10.3): no command',
      facts: header(`OAuth ${TOKEN}`),
      code: 'HEADER_SCHEME_UNKNOWN',
      assert: (outcome) => {
        expect(outcome.verdict === 'fail' && outcome.remediation.commands).toBeUndefined();
      },
    },
    {
      name: 'Digest is not supported (§2.3): no Bearer rewrite',
      facts: header('Digest username="x"'),
      code: 'HEADER_SCHEME_UNKNOWN',
      summary: /does not support Digest/u,
      proof: { command: undefined },
    },
    {
      name: 'an API token without a scheme is not rewritten to Bearer (§5.3)',
      facts: header(API_TOKEN),
      code: 'HEADER_SCHEME_UNKNOWN',
      proof: { command: undefined },
    },
    {
      name: 'Basic user:secret in clear is encoded (§2.3): the command builds the base64',
      facts: header('Basic jdoe:pw'),
      code: 'HEADER_MALFORMED',
      assert: (outcome) => {
        expect(outcome.proof?.command).toContain('Authorization: Basic $(printf %s');
      },
    },
    {
      name: "the user's own corrected curl command is the command, when one was given",
      facts: header(`bearer ${TOKEN}`, { correctedCommand: 'curl CORRECTED' }),
      code: 'HEADER_SCHEME_CASE',
      proof: { command: 'curl CORRECTED' },
    },
  ],
});

/** What the intake builds from `--header 'Authorization: <value>'`: the header and its credential. */
const given = (value: string, extra: Partial<DoctorInput> = {}): Partial<DoctorInput> => {
  const header: GivenHeader = { name: 'Authorization', value, source: 'flag:--header' };
  const credential = credentialFromAuthorization(header);
  return {
    headers: [header],
    credentials: credential === undefined ? [] : [credential],
    ...extra,
  };
};
/** The same header on a failing `--url` call to the private repository. */
const onPrivateRepo = (value: string): Partial<DoctorInput> => {
  const header: GivenHeader = { name: 'Authorization', value, source: 'flag:--header' };
  return given(value, {
    workspace: 'acme',
    repo: 'secret-repo',
    failingRequest: { method: 'GET', url: `${API}${REPO_PATH}`, headers: [header], source: 'url' },
  });
};
/** The Authorization header of each exchange the check sent, in order. */
const sentAuthorizations = (report: CheckReport): (string | undefined)[] =>
  report.evidence.map((e) => e.request.headers['authorization']);

testCheck(check, [
  {
    name: 'no Authorization header: skipped, the doctor builds its own',
    expected: { verdict: 'skip', summary: /no Authorization header was given/u, requests: 0 },
  },
  {
    name: '"Bearer <token>" is well-formed: pass without a request',
    input: given(`Bearer ${TOKEN}`),
    expected: { verdict: 'pass', data: { scheme: 'Bearer' }, requests: 0 },
  },
  {
    name: '"Basic base64(email:token)" is well-formed: pass without a request',
    input: given(`Basic ${b64(`alice@example.com:${API_TOKEN}`)}`),
    expected: { verdict: 'pass', data: { scheme: 'Basic' }, requests: 0 },
  },
  {
    name: '"bearer" is HEADER_SCHEME_CASE, proven by replay: 404 as sent, 200 corrected',
    input: onPrivateRepo(`bearer ${TOKEN}`),
    http: () => [
      // Bitbucket ignores the lowercase scheme: the call runs anonymous and the private repo 404s.
      fx.reply(
        nock(API).get(REPO_PATH).matchHeader('authorization', `bearer ${TOKEN}`),
        'repo-no-access-404',
      ),
      fx.reply(
        nock(API).get(REPO_PATH).matchHeader('authorization', `Bearer ${TOKEN}`),
        'repo-private-200',
      ),
    ],
    expected: {
      verdict: 'fail',
      code: 'HEADER_SCHEME_CASE',
      summary:
        /spelled "bearer"; Bitbucket only knows "Bearer"\. Bitbucket ignored it and answered as if anonymous \(404\); the corrected header got 200\./u,
      data: {
        scheme: 'bearer',
        proven: true,
        statusAsSent: 404,
        statusCorrected: 200,
        fixVerified: true,
      },
      hint: /capital letter/u,
      requests: 2,
    },
    assert: (report) => {
      expect(sentAuthorizations(report).sort()).toEqual([`Bearer ${TOKEN}`, `bearer ${TOKEN}`]);
      // The command to copy has a placeholder, never the token.
      expect(report.remediation?.commands).toEqual([
        `curl -H "Authorization: Bearer $BITBUCKET_ACCESS_TOKEN" ${API}${REPO_PATH}`,
      ]);
    },
  },
  {
    name: '"BEARER" is HEADER_SCHEME_CASE, replayed against /2.0/user without a target',
    input: given(`BEARER ${TOKEN}`),
    http: () => [
      fx.reply(
        nock(API).get('/2.0/user').matchHeader('authorization', `BEARER ${TOKEN}`),
        'user-anonymous-401',
      ),
      fx.reply(
        nock(API).get('/2.0/user').matchHeader('authorization', `Bearer ${TOKEN}`),
        'user-200',
      ),
    ],
    expected: {
      verdict: 'fail',
      code: 'HEADER_SCHEME_CASE',
      data: { scheme: 'BEARER', proven: true, statusAsSent: 401, statusCorrected: 200 },
      requests: 2,
    },
  },
  {
    name: '"basic <base64>" is HEADER_SCHEME_CASE; the fix keeps the credentials and says Basic',
    input: given(`basic ${b64(`alice@example.com:${API_TOKEN}`)}`),
    http: () => [
      fx.reply(
        nock(API)
          .get('/2.0/user')
          .matchHeader('authorization', `basic ${b64(`alice@example.com:${API_TOKEN}`)}`),
        'user-anonymous-401',
      ),
      fx.reply(
        nock(API)
          .get('/2.0/user')
          .matchHeader('authorization', `Basic ${b64(`alice@example.com:${API_TOKEN}`)}`),
        'user-200',
      ),
    ],
    expected: {
      verdict: 'fail',
      code: 'HEADER_SCHEME_CASE',
      summary: /spelled "basic"; Bitbucket only knows "Basic"/u,
      data: { scheme: 'basic', proven: true, fixVerified: true },
      requests: 2,
    },
    assert: (report) => {
      const command = report.remediation?.commands?.[0] ?? '';
      expect(command).toContain(
        'Authorization: Basic $(printf %s "$BITBUCKET_EMAIL:$BITBUCKET_API_TOKEN" | base64)',
      );
      expect(command).not.toContain(b64(`alice@example.com:${API_TOKEN}`));
    },
  },
  {
    name: '"token <x>" (GitHub style) is HEADER_SCHEME_UNKNOWN, proven: anonymous 404, Bearer 200',
    input: onPrivateRepo(`token ${TOKEN}`),
    http: () => [
      fx.reply(
        nock(API).get(REPO_PATH).matchHeader('authorization', `token ${TOKEN}`),
        'repo-no-access-404',
      ),
      fx.reply(
        nock(API).get(REPO_PATH).matchHeader('authorization', `Bearer ${TOKEN}`),
        'repo-private-200',
      ),
    ],
    expected: {
      verdict: 'fail',
      code: 'HEADER_SCHEME_UNKNOWN',
      summary: /does not know the scheme "token"/u,
      data: { scheme: 'token', proven: true, fixVerified: true },
      hint: /Authorization: Bearer <token>/u,
      requests: 2,
    },
  },
  {
    name: 'a bare token without a scheme is HEADER_SCHEME_UNKNOWN, corrected to Bearer',
    input: onPrivateRepo(TOKEN),
    http: () => [
      fx.reply(nock(API).get(REPO_PATH).matchHeader('authorization', TOKEN), 'repo-no-access-404'),
      fx.reply(
        nock(API).get(REPO_PATH).matchHeader('authorization', `Bearer ${TOKEN}`),
        'repo-private-200',
      ),
    ],
    expected: {
      verdict: 'fail',
      code: 'HEADER_SCHEME_UNKNOWN',
      summary: /no scheme, only a token/u,
      data: { scheme: '', proven: true, statusAsSent: 404, statusCorrected: 200 },
      requests: 2,
    },
  },
  {
    name: '"JWT <x>" is HEADER_SCHEME_UNKNOWN; a replay that changes nothing is not a proof',
    input: given(`JWT ${TOKEN}`),
    http: () => [
      fx.reply(
        nock(API).get('/2.0/user').matchHeader('authorization', `JWT ${TOKEN}`),
        'user-anonymous-401',
      ),
      fx.reply(
        nock(API).get('/2.0/user').matchHeader('authorization', `Bearer ${TOKEN}`),
        'token-invalid-401',
      ),
    ],
    expected: {
      verdict: 'fail',
      code: 'HEADER_SCHEME_UNKNOWN',
      summary: /"JWT" is only for Connect apps.*changed nothing \(401 both times\)/u,
      data: { scheme: 'JWT', proven: false, fixVerified: false },
      requests: 2,
    },
  },
  {
    name: '"Bearer  <x>" (two spaces) is HEADER_MALFORMED, replayed with one space',
    input: given(`Bearer  ${TOKEN}`),
    http: () => [
      fx.reply(
        nock(API).get('/2.0/user').matchHeader('authorization', `Bearer  ${TOKEN}`),
        'user-anonymous-401',
      ),
      fx.reply(
        nock(API).get('/2.0/user').matchHeader('authorization', `Bearer ${TOKEN}`),
        'user-200',
      ),
    ],
    expected: {
      verdict: 'fail',
      code: 'HEADER_MALFORMED',
      summary: /more than one space/u,
      data: { scheme: 'Bearer', proven: true, fixVerified: true },
      hint: /exactly one space/u,
      requests: 2,
    },
  },
  {
    name: '"Basic notbase64!!" is HEADER_MALFORMED with nothing to replay',
    input: given('Basic notbase64!!'),
    expected: {
      verdict: 'fail',
      code: 'HEADER_MALFORMED',
      summary: /base64 of user:secret/u,
      data: { scheme: 'Basic', proven: false },
      requests: 0,
    },
    assert: (report) => {
      expect(report.remediation?.commands).toBeUndefined();
    },
  },
  {
    name: 'whitespace inside the credentials is HEADER_MALFORMED with nothing to replay',
    input: given('Bearer abc def'),
    expected: {
      verdict: 'fail',
      code: 'HEADER_MALFORMED',
      summary: /credentials contain whitespace/u,
      data: { proven: false },
      requests: 0,
    },
  },
  {
    name: 'an empty header value is HEADER_MALFORMED',
    input: given('', {}),
    expected: { verdict: 'fail', code: 'HEADER_MALFORMED', summary: /no value/u, requests: 0 },
  },
  {
    name: 'offline (explain): the lint stands alone, unproven, without a request',
    input: {
      ...given(`bearer ${TOKEN}`),
      offline: { file: 'saved.txt', format: 'curl-i', exchanges: [] },
    },
    expected: {
      verdict: 'fail',
      code: 'HEADER_SCHEME_CASE',
      data: { scheme: 'bearer', proven: false },
      requests: 0,
    },
    assert: (report) => {
      expect(report.data).not.toHaveProperty('fixVerified');
    },
  },
  {
    name: 'no network: still HEADER_SCHEME_CASE, but unproven (no answer either way)',
    input: given(`bearer ${TOKEN}`),
    http: () =>
      nock(API)
        .get('/2.0/user')
        .times(2)
        .replyWithError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })),
    expected: {
      verdict: 'fail',
      code: 'HEADER_SCHEME_CASE',
      summary: /changed nothing \(no answer both times\)/u,
      data: { proven: false, fixVerified: false },
    },
  },
]);
