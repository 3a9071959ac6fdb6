import { NETWORK_CODES } from '../../src/facts/network.js';
import { defineCheck } from '../../src/types.js';
import { fromCapture } from './capture.js';
import { gather } from './gather.js';
import { judge } from './judge.js';

/**
 * git-access: can git over HTTPS read (and for push, write) the repository with the credential as
 * git would send it, and if not, which username or credential would? (contract.md, "Git over
 * HTTPS"). Gathered live (gather) or from git's own output (fromCapture); one pure judge.
 */
export default defineCheck({
  meta: {
    id: 'git-access',
    title: 'Git over HTTPS gets in with the credential git sends',
    description:
      'The ref advertisement git asks for first (info/refs, read-only), anonymously and then with the credential git would send (URL, http.extraHeader, credential helper); when it fails, the username git accepts for that secret proves the fix.',
    codes: [
      'GIT_USERNAME_WRONG',
      'GIT_ACCESS_TOKEN_USERNAME',
      'APP_PASSWORD_REMOVED',
      'SCOPE_MISSING',
      'IP_NOT_ALLOWED',
      'TWO_STEP_REQUIRED',
      'ACCOUNT_PASSWORD_REJECTED',
      'REPO_NOT_FOUND_OR_NO_ACCESS',
      'NO_CREDENTIALS',
      'AUTH_REJECTED',
      'RATE_LIMITED',
      // git on Data Center ({base}/scm/{KEY}/{slug}.git; §8, §12.3).
      'DC_BASIC_AUTH_DISABLED',
      'DC_CAPTCHA_REQUIRED',
      ...NETWORK_CODES,
    ],
    // A script's token fetch stands in for the token in git's URL (x-token-auth:$TOKEN@).
    needs: ['reads:token-fetch'],
  },
  gather,
  fromCapture,
  judge,
});
