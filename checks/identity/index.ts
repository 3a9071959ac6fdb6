import { CLOUD_PATHS } from '../../src/knowledge/docs.js';
import { NETWORK_CODES } from '../../src/facts/network.js';
import { defineCheck } from '../../src/types.js';
import { fromCapture } from './capture.js';
import { gather } from './gather.js';
import { judge } from './judge.js';

/**
 * identity: who the credentials authenticate as, and if refused, why. Live: GET /2.0/user and one
 * changed variable (gather.ts); explain: the captured refusal and its request (capture.ts); one
 * pure judge for both (judge.ts, rejected.ts).
 */
export default defineCheck({
  meta: {
    id: 'identity',
    title: 'The credentials authenticate a Bitbucket user',
    description: `GET ${CLOUD_PATHS.currentUser} says who the credentials are and, when Bitbucket refuses them, its answer and one changed variable (email for username, Bearer for Basic) say why.`,
    codes: [
      'API_TOKEN_NEEDS_EMAIL',
      'API_TOKEN_AS_BEARER',
      'API_TOKEN_UNSCOPED',
      'APP_PASSWORD_REMOVED',
      'ACCOUNT_PASSWORD_REJECTED',
      'ACCESS_TOKEN_AS_BASIC',
      'TOKEN_EXPIRED',
      'TOKEN_INVALID',
      'AUTH_REJECTED',
      'CREDENTIALS_IGNORED',
      'DC_CREDENTIALS_REJECTED',
      'DC_CAPTCHA_REQUIRED',
      'DC_NOT_PERMITTED',
      'DC_TOKEN_REJECTED',
      'DC_TOKEN_AS_BASIC',
      'DC_BASIC_AUTH_DISABLED',
      'CLOUD_CREDENTIAL_ON_DC',
      ...NETWORK_CODES,
    ],
    // Not 'credentials': explain judges a captured refusal even when the capture hides what was sent.
    needs: ['reads:connectivity', 'reads:token-fetch', 'reads:git-access'],
  },
  gather,
  fromCapture,
  judge,
});
