import { expect } from 'vitest';
import check from '../../checks/curl-command.js';
import { lintCurl, parseCurl } from '../../src/intake/curl.js';
import { makeCredential } from '../../src/intake/credentials.js';
import type { DoctorInput } from '../../src/types.js';
import { testCheck } from '../helpers/check-tester.js';
import { API } from '../helpers/context.js';

const TOKEN = 'ua510pyFPhhVCJkE8AjCgatTVGXd3JNkf9ADTpAq1daPYzZhvckaLgC';
const curl = (...words: string[]): Partial<DoctorInput> => {
  const parsed = parseCurl(['curl', ...words]);
  return {
    curl: { original: ['curl', ...words].join(' '), parsed, lints: lintCurl(parsed) },
    credentials: [makeCredential('access-token', TOKEN, 'curl:url access_token=')],
  };
};
const commits = `${API}/2.0/repositories/acme/secret-repo/commits/master`;

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
    name: 'a lowercase scheme is left to header-casing to prove, and listed',
    input: curl('-H', `Authorization: bearer ${TOKEN}`, commits),
    expected: {
      verdict: 'pass',
      summary: /lints for the other checks to prove: HEADER_SCHEME_CASE/u,
    },
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
    name: 'a token in the POST body is SECRET_IN_URL too',
    input: curl(
      '-d',
      `access_token=${TOKEN}`,
      `${API}/2.0/repositories/acme/secret-repo/pullrequests`,
    ),
    expected: { verdict: 'fail', code: 'SECRET_IN_URL' },
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
      'https://bitbucket.org/site/oauth2/access_token',
    ),
    expected: { verdict: 'fail', code: 'PASSWORD_GRANT_REMOVED' },
  },
  {
    name: 'client credentials in the body instead of Basic are CONSUMER_INVALID',
    input: curl(
      '-d',
      'grant_type=client_credentials',
      '-d',
      'client_id=key',
      '-d',
      'client_secret=secretvalue',
      'https://bitbucket.org/site/oauth2/access_token',
    ),
    expected: { verdict: 'fail', code: 'CONSUMER_INVALID' },
  },
]);
