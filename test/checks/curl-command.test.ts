import { expect } from 'vitest';
import check, { type CurlCommandFacts } from '../../checks/curl-command.js';
import { parseCurl, splitCommandLine } from '../../src/intake/curl.js';
import { makeCredential } from '../../src/intake/credentials.js';
import { lintCurl } from '../../src/rules/curl/index.js';
import type { DoctorInput } from '../../src/types.js';
import { testCheck } from '../helpers/check-tester.js';
import { API } from '../helpers/context.js';
import { testJudge } from '../helpers/judge-tester.js';

const TOKEN = 'ua510pyFPhhVCJkE8AjCgatTVGXd3JNkf9ADTpAq1daPYzZhvckaLgC';
const commits = `${API}/2.0/repositories/acme/secret-repo/commits/master`;
const TOKEN_ENDPOINT = 'https://bitbucket.org/site/oauth2/access_token';

/** The facts the rules give for a pasted command (the corrected command is judge's to pass on). */
const facts = (command: string): CurlCommandFacts => {
  const parsed = parseCurl(splitCommandLine(command));
  return {
    command: {
      method: parsed.method,
      url: parsed.url,
      lints: lintCurl(parsed),
      corrected: 'curl CORRECTED',
    },
  };
};

testJudge(check, {
  valid: [
    { name: 'no curl command: skipped', facts: {}, verdict: 'skip' },
    {
      name: 'a clean command passes without lints',
      facts: facts(`curl -H "Authorization: Bearer x" ${commits}`),
      verdict: 'pass',
      summary: `GET ${commits}; no lint.`,
      data: { lints: [], correctedCommand: 'curl CORRECTED' },
    },
    {
      name: 'a lowercase scheme is header-casing to prove: listed, not judged here',
      facts: facts(`curl -H "Authorization: bearer x" ${commits}`),
      verdict: 'pass',
      summary: /lints for the other checks to prove: HEADER_SCHEME_CASE/u,
      data: { rules: ['header-scheme-case'] },
    },
    {
      name: 'an API 1.0 path is api-version to prove',
      facts: facts(`curl '${API}/1.0/repositories/acme/repo/changesets?branch=master'`),
      verdict: 'pass',
      summary: /other checks to prove: API_V1_REMOVED/u,
    },
    {
      name: 'a write request is a note only',
      facts: facts(`curl -X DELETE -H "Authorization: Bearer x" ${API}/2.0/repositories/a/b`),
      verdict: 'pass',
      summary: /; no lint\.$/u,
    },
  ],
  invalid: [
    {
      name: 'a token in the query string is SECRET_IN_URL, with the corrected command',
      facts: facts(`curl '${commits}?access_token=abc'`),
      code: 'SECRET_IN_URL',
      verdict: 'fail',
      hint: /Authorization: Bearer \$BITBUCKET_ACCESS_TOKEN/u,
      assert: (outcome) => {
        expect(outcome.verdict === 'fail' && outcome.remediation.commands).toEqual([
          'curl CORRECTED',
        ]);
      },
    },
    {
      name: 'a token in the POST body is SECRET_IN_URL',
      facts: facts(`curl -d access_token=abc ${API}/2.0/repositories/a/b/pullrequests`),
      code: 'SECRET_IN_URL',
      summary: /POST body/u,
    },
    {
      name: 'user:secret in the URL is SECRET_IN_URL, a failure (contract.md)',
      facts: facts('curl https://jdoe:pw@api.bitbucket.org/2.0/user'),
      code: 'SECRET_IN_URL',
      verdict: 'fail',
    },
    {
      name: 'the documented x-token-auth form in the URL only warns',
      facts: facts('curl https://x-token-auth:tok@api.bitbucket.org/2.0/user'),
      code: 'SECRET_IN_URL',
      verdict: 'warn',
    },
    {
      name: 'the password grant is PASSWORD_GRANT_REMOVED',
      facts: facts(
        `curl -u k:s -d grant_type=password -d username=a -d password=b ${TOKEN_ENDPOINT}`,
      ),
      code: 'PASSWORD_GRANT_REMOVED',
    },
    {
      name: 'client credentials in the body are CONSUMER_INVALID',
      facts: facts(
        `curl -d grant_type=client_credentials -d client_id=k -d client_secret=s ${TOKEN_ENDPOINT}`,
      ),
      code: 'CONSUMER_INVALID',
      hint: /-u "\$BITBUCKET_CLIENT_ID:\$BITBUCKET_CLIENT_SECRET"/u,
    },
    {
      name: 'a header without a colon, which curl never sent, is HEADER_MALFORMED here',
      facts: facts(`curl -H "Authorization Bearer x" ${commits}`),
      code: 'HEADER_MALFORMED',
      summary: /no colon after the header name/u,
    },
  ],
});

const curl = (...words: string[]): Partial<DoctorInput> => {
  const parsed = parseCurl(['curl', ...words]);
  return {
    curl: { original: ['curl', ...words].join(' '), parsed, lints: [] },
    credentials: [makeCredential('access-token', TOKEN, 'curl:url access_token=')],
  };
};

testCheck(check, [
  { name: 'no curl command: skipped', expected: { verdict: 'skip' } },
  {
    name: 'a clean command passes and shows the corrected command with placeholders',
    input: curl('-s', '-H', `Authorization: Bearer ${TOKEN}`, commits),
    expected: {
      verdict: 'pass',
      data: {
        correctedCommand: `curl -H "Authorization: Bearer $BITBUCKET_ACCESS_TOKEN" ${commits}`,
      },
    },
    assert: (report) => expect(JSON.stringify(report)).not.toContain(TOKEN),
  },
  {
    name: 'a token in the query string is SECRET_IN_URL, fixed to a Bearer header',
    input: curl(`${commits}?access_token=${TOKEN}`),
    expected: { verdict: 'fail', code: 'SECRET_IN_URL' },
    assert: (report) => {
      expect(report.remediation?.commands?.[0]).toBe(
        `curl -H "Authorization: Bearer $BITBUCKET_ACCESS_TOKEN" ${commits}`,
      );
      expect(JSON.stringify(report)).not.toContain(TOKEN);
    },
  },
  {
    // The seed of issue "One brain": one corrected command in the report, the same as api-version's.
    name: 'an API 1.0 changesets?branch= call is corrected to commits/master (§6), as api-version says',
    input: curl(
      '-H',
      `Authorization: Bearer ${TOKEN}`,
      `${API}/1.0/repositories/acme/repo/changesets?branch=master`,
    ),
    expected: {
      verdict: 'pass',
      data: {
        correctedCommand: `curl -H "Authorization: Bearer $BITBUCKET_ACCESS_TOKEN" ${API}/2.0/repositories/acme/repo/commits/master`,
      },
    },
  },
  {
    name: 'the hosts of the run count: --auth-url with an API path moves to --api-url',
    input: {
      ...curl('-H', `Authorization: Bearer ${TOKEN}`, 'http://localhost:9000/2.0/user'),
      apiUrl: 'http://127.0.0.1:9001',
      authUrl: 'http://localhost:9000',
    },
    expected: {
      verdict: 'pass',
      data: {
        correctedCommand:
          'curl -H "Authorization: Bearer $BITBUCKET_ACCESS_TOKEN" http://127.0.0.1:9001/2.0/user',
      },
    },
  },
  {
    name: 'the password grant sent to the token endpoint is PASSWORD_GRANT_REMOVED',
    input: curl(
      '-u',
      'key:secretvalue',
      '-d',
      'grant_type=password',
      '-d',
      'username=alice',
      '-d',
      'password=hunter2xyz',
      TOKEN_ENDPOINT,
    ),
    expected: { verdict: 'fail', code: 'PASSWORD_GRANT_REMOVED' },
  },
  {
    name: 'explain: no curl command, skipped offline without a request',
    input: { offline: { file: 'saved.txt', format: 'curl-i', exchanges: [] } },
    expected: { verdict: 'skip', summary: /no curl command/u, requests: 0 },
  },
]);
