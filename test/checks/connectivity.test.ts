import nock from 'nock';
import check from '../../checks/connectivity.js';
import { testCheck } from '../helpers/check-tester.js';
import { API } from '../helpers/context.js';

// nock 14: pass an Error to replyWithError; a plain object hangs the request (nock/nock#2789).
const fail = (code: string): Error => Object.assign(new Error(`connect ${code}`), { code });
const cloud = {
  'x-b3-traceid': 'abc123',
  'x-request-id': 'req-1',
  'content-type': 'application/json',
};

testCheck(check, [
  {
    name: 'anonymous listing answers: Bitbucket Cloud is reachable',
    input: { workspace: 'acme' },
    http: () =>
      nock(API)
        .get('/2.0/repositories/acme')
        .query({ pagelen: '100' })
        .reply(200, { pagelen: 100, size: 1, values: [] }, cloud),
    expected: { verdict: 'pass', summary: /answered 200 .*Bitbucket Cloud/u },
  },
  {
    name: 'without a workspace, an anonymous 401 on /2.0/user proves reachability',
    http: () =>
      nock(API)
        .get('/2.0/user')
        .reply(401, { type: 'error', error: { message: 'Unauthorized' } }, cloud),
    expected: { verdict: 'pass', summary: /answered 401/u },
  },
  {
    name: 'DNS failure is NETWORK_UNREACHABLE',
    http: () => nock(API).get('/2.0/user').replyWithError(fail('ENOTFOUND')),
    expected: { verdict: 'fail', code: 'NETWORK_UNREACHABLE', summary: /does not resolve/u },
  },
  {
    name: 'refused connection is NETWORK_UNREACHABLE',
    http: () => nock(API).get('/2.0/user').replyWithError(fail('ECONNREFUSED')),
    expected: { verdict: 'fail', code: 'NETWORK_UNREACHABLE' },
  },
  {
    name: 'a self-signed certificate is TLS_ERROR',
    http: () => nock(API).get('/2.0/user').replyWithError(fail('SELF_SIGNED_CERT_IN_CHAIN')),
    expected: { verdict: 'fail', code: 'TLS_ERROR', hint: /NODE_EXTRA_CA_CERTS/u },
  },
  {
    name: 'a timeout is TIMEOUT',
    http: () => nock(API).get('/2.0/user').replyWithError(fail('ETIMEDOUT')),
    expected: { verdict: 'fail', code: 'TIMEOUT' },
  },
  {
    name: 'a proxy 407 is PROXY_AUTH_REQUIRED',
    http: () => nock(API).get('/2.0/user').reply(407, 'Proxy Authentication Required'),
    expected: { verdict: 'fail', code: 'PROXY_AUTH_REQUIRED' },
  },
  {
    name: 'a 503 is SERVER_ERROR, not a credentials problem',
    http: () =>
      nock(API)
        .get('/2.0/user')
        .reply(503, '<html>Service Unavailable</html>', { 'content-type': 'text/html' }),
    expected: { verdict: 'fail', code: 'SERVER_ERROR' },
  },
  {
    // A portal served in place (a hijacking DNS): no Bitbucket marker, so no evidence at all.
    name: 'a captive portal answering HTML in place is REDIRECTED_AWAY (no verdict)',
    http: () =>
      nock(API)
        .get('/2.0/user')
        .reply(200, '<html>Login to the hotel wifi</html>', { 'content-type': 'text/html' }),
    expected: {
      verdict: 'fail',
      code: 'REDIRECTED_AWAY',
      summary: /HTML page .*no Bitbucket marker/u,
    },
  },
  {
    name: 'a JSON answer without Bitbucket headers is NOT_BITBUCKET (a warning)',
    http: () =>
      nock(API).get('/2.0/user').reply(200, '{"ok": true}', { 'content-type': 'application/json' }),
    expected: { verdict: 'warn', code: 'NOT_BITBUCKET' },
  },
  {
    name: 'a 302 to another origin is REDIRECTED_AWAY, and the portal is never asked',
    http: () => nock(API).get('/2.0/user').reply(302, '', { location: 'http://127.0.0.2/login' }),
    expected: {
      verdict: 'fail',
      code: 'REDIRECTED_AWAY',
      summary: /redirects to http:\/\/127\.0\.0\.2\/login/u,
    },
  },
  {
    name: 'a 301 loop is REDIRECTED_AWAY',
    http: () => nock(API).get('/2.0/user').reply(301, '', { location: '/2.0/user' }),
    expected: { verdict: 'fail', code: 'REDIRECTED_AWAY', summary: /loop/u },
  },
  {
    name: 'Data Center marks are recognised: pass with the product and the version (never NOT_BITBUCKET)',
    http: () => [
      nock(API).get('/2.0/user').reply(401, { errors: [] }, { 'x-arequestid': '@1ABC' }),
      nock(API)
        .get('/rest/api/1.0/application-properties')
        .reply(200, { version: '10.0.1', displayName: 'Bitbucket' }, { 'x-arequestid': '@1ABD' }),
    ],
    expected: {
      verdict: 'pass',
      summary: /Bitbucket Data Center 10\.0\.1/u,
      data: { product: 'data-center', serverVersion: '10.0.1' },
      requests: 2,
    },
  },
]);
