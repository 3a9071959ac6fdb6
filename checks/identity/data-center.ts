import { detectDataCenter } from '../../src/knowledge/data-center.js';
import { DOCS } from '../../src/knowledge/docs.js';
import type { HttpResult, Outcome } from '../../src/types.js';
import { fail } from './judge.js';
import { said } from './words.js';

/**
 * A captured Data Center answer (bitbucket-auth.md §8): a 401 with X-AUSERNAME is "authenticated,
 * but not permitted"; a CAPTCHA lock refuses even the right password. The Data Center codes of
 * contract.md are the Data Center issue's work; until then these are the nearest Cloud codes.
 */
export const judgeDataCenter = (result: HttpResult): Outcome => {
  const response = result.exchange.response ?? { status: 0, headers: {}, body: '' };
  const dc = detectDataCenter(response);
  const notes = [
    ...(dc.explanation === undefined ? [] : [dc.explanation]),
    ...(dc.evidence.length > 0 ? [`Data Center markers: ${dc.evidence.join('; ')}.`] : []),
  ];
  if (dc.captcha) {
    return {
      ...fail(
        'AUTH_REJECTED',
        'Bitbucket Data Center: CAPTCHA required, the account is locked after too many failed logins, and until the CAPTCHA is solved even the right password fails.',
        {
          hint: 'Log in to Bitbucket Data Center in a browser and solve the CAPTCHA (log out first if already logged in), then fix or stop the job that kept sending the wrong password.',
          url: DOCS.dataCenterBasicAuth,
        },
        { data: { product: 'data-center', captcha: true } },
      ),
      details: notes,
    };
  }
  if (response.status === 401 && dc.authenticatedAs !== undefined) {
    return {
      ...fail(
        'REPO_NOT_FOUND_OR_NO_ACCESS',
        `Bitbucket Data Center: authenticated as ${dc.authenticatedAs} but not permitted to access this resource (Data Center answers 401, not 403, for a missing permission).`,
        {
          hint: 'Ask a project or repository admin for permission, or use an HTTP access token that has it; the credentials themselves work.',
          url: DOCS.dataCenterHttpAccessTokens,
        },
        { data: { product: 'data-center', authenticatedAs: dc.authenticatedAs } },
      ),
      details: notes,
    };
  }
  return {
    ...fail(
      'AUTH_REJECTED',
      `Bitbucket Data Center refused the credentials (${said(result)}).`,
      {
        hint: 'Check the Data Center username and password or HTTP access token (project and repository tokens only work as Bearer); repeated failures lock the account behind a CAPTCHA.',
        url: DOCS.dataCenterHttpAccessTokens,
      },
      { data: { product: 'data-center' } },
    ),
    details: notes,
  };
};
