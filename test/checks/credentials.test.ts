import check from '../../checks/credentials.js';
import { testCheck } from '../helpers/check-tester.js';
import { cred } from '../helpers/context.js';

testCheck(check, [
  {
    name: 'a clean API token passes and is described by kind, source and fingerprint',
    input: {
      credentials: [
        cred('api-token', 'ATATT3xFfGF0abcdefgh', { source: 'env:BITBUCKET_API_TOKEN' }),
      ],
    },
    expected: {
      verdict: 'pass',
      summary: /^api-token from env:BITBUCKET_API_TOKEN \(sha256:[0-9a-f]{8}, 20 chars\)$/u,
    },
  },
  {
    name: 'nothing given is NO_CREDENTIALS',
    expected: { verdict: 'fail', code: 'NO_CREDENTIALS' },
  },
  {
    name: 'a trailing newline is SECRET_WHITESPACE',
    input: { credentials: [cred('access-token', 'abcdefghijkl\n')] },
    expected: { verdict: 'fail', code: 'SECRET_WHITESPACE', summary: /newline/u },
  },
  {
    name: 'quotes around the secret are SECRET_WHITESPACE',
    input: { credentials: [cred('access-token', '"abcdefghijkl"')] },
    expected: { verdict: 'fail', code: 'SECRET_WHITESPACE', summary: /quotes/u },
  },
  {
    name: 'a literal $VAR is SECRET_UNEXPANDED and names the variable',
    input: { credentials: [cred('access-token', '$BITBUCKET_TOKEN')] },
    expected: {
      verdict: 'fail',
      code: 'SECRET_UNEXPANDED',
      data: { variable: 'BITBUCKET_TOKEN' },
      hint: /Export BITBUCKET_TOKEN/u,
    },
  },
  {
    name: 'a literal $(cat file) is SECRET_UNEXPANDED and names the file',
    input: { credentials: [cred('api-token', '$(cat ~/.bb-token)')] },
    expected: { verdict: 'fail', code: 'SECRET_UNEXPANDED', data: { file: '~/.bb-token' } },
  },
  {
    name: 'a backtick expression is SECRET_UNEXPANDED',
    input: { credentials: [cred('api-token', '`pass show bitbucket`')] },
    expected: { verdict: 'fail', code: 'SECRET_UNEXPANDED' },
  },
]);
