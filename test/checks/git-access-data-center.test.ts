import nock from 'nock';
import check from '../../checks/git-access/index.js';
import { testCheck } from '../helpers/check-tester.js';
import { cred } from '../helpers/context.js';

const ORIGIN = 'https://git.example.com';
const URL_ = `${ORIGIN}/bitbucket/scm/acme/secret-repo.git`;
const REFS = '/bitbucket/scm/acme/secret-repo.git/info/refs';
const basic = (user: string, secret: string): string =>
  `Basic ${Buffer.from(`${user}:${secret}`, 'utf8').toString('base64')}`;
const pkt = (text: string): string => `${(text.length + 4).toString(16).padStart(4, '0')}${text}`;
const credential = cred('account-password', 'correct horse', {
  source: 'git:url',
  username: 'alice',
});
const input = {
  apiUrl: `${ORIGIN}/bitbucket`,
  authUrl: `${ORIGIN}/bitbucket`,
  credentials: [credential],
  git: {
    url: URL_,
    transport: 'http' as const,
    push: false,
    from: 'git ls-remote',
    helpers: [],
    notes: [],
    sends: { via: 'url' as const, source: 'git:url', username: 'alice', secret: 'correct horse' },
  },
};
const refs = (authorization?: string): nock.Interceptor => {
  const scope = nock(ORIGIN).get(REFS).query({ service: 'git-upload-pack' });
  return authorization === undefined
    ? scope.matchHeader('authorization', (v) => v === undefined)
    : scope.matchHeader('authorization', authorization);
};
const challenge = { 'www-authenticate': 'Basic realm="Atlassian Bitbucket"', 'x-arequestid': '@1' };

testCheck(check, [
  {
    name: 'Data Center git: the password works: pass',
    input,
    http: () => [
      refs().reply(401, 'Authentication required', challenge),
      refs(basic('alice', 'correct horse')).reply(200, `${pkt('# service=git-upload-pack\n')}0000`),
    ],
    expected: { verdict: 'pass', requests: 2 },
  },
  {
    name: 'Data Center git with Basic switched off: DC_BASIC_AUTH_DISABLED and the extraHeader fix',
    input,
    http: () => [
      refs().reply(401, 'Authentication required', challenge),
      refs(basic('alice', 'correct horse')).reply(
        403,
        'Basic Authentication has been disabled on this instance.\n',
      ),
    ],
    expected: { verdict: 'fail', code: 'DC_BASIC_AUTH_DISABLED', requests: 2 },
    assert: (report) => {
      if (!report.remediation?.commands?.[0]?.includes('http.'))
        throw new Error('expected the http.extraHeader command');
    },
  },
  {
    name: 'Data Center git CAPTCHA (an ERR line in a 200 advertisement): DC_CAPTCHA_REQUIRED, no correction sent',
    input,
    http: () => [
      refs().reply(401, 'Authentication required', challenge),
      refs(basic('alice', 'correct horse')).reply(
        200,
        `${pkt('# service=git-upload-pack\n')}0000${pkt('ERR CAPTCHA required\n')}`,
      ),
    ],
    expected: { verdict: 'fail', code: 'DC_CAPTCHA_REQUIRED', requests: 2 },
  },
]);
