/**
 * identity on Bitbucket Data Center (contract.md, "Checks on Data Center"; bitbucket-auth.md §8,
 * §12.3). The identity is X-AUSERNAME of an authenticated /rest answer: the user's own profile
 * for Basic, the anonymous-readable application-properties for a token (a project or repository
 * token's bot may not read a user). One experiment at most, never a second Basic login (five lock
 * the account): a token refused in Basic is replayed as Bearer, which counts towards no lock.
 */
import { answerProblem } from '../../src/facts/network.js';
import {
  BASIC_DISABLED_BODY,
  captchaResetCommand,
  DC_USER_HEADER,
  detectDataCenter,
} from '../../src/knowledge/data-center.js';
import { remedy } from '../../src/knowledge/remedies.js';
import type {
  FindingCode,
  HttpResult,
  Outcome,
  OutcomeBase,
  Remediation,
} from '../../src/types.js';

export interface DcIdentityFacts {
  /** How the credential went: `Basic with alice`, `Bearer`. Never the secret. */
  readonly describe: string;
  readonly scheme: 'Basic' | 'Bearer' | 'other';
  readonly username?: string;
  /** The secret's shape: a Cloud credential, a Data Center HTTP access token, or neither. */
  readonly shape: 'cloud' | 'dc-token' | 'other';
  readonly result: HttpResult;
  /** A token refused in Basic, replayed as Bearer. */
  readonly bearer?: HttpResult;
  /** explain: a saved answer, with no later check of the permission. */
  readonly captured?: boolean;
}

const failWith = (
  code: FindingCode,
  summary: string,
  extra: Partial<OutcomeBase> & { readonly remediation?: Remediation } = {},
): Outcome => ({
  verdict: 'fail',
  code,
  summary,
  remediation: remedy(code),
  ...extra,
});

/** The admin's reset of this user's CAPTCHA, when the URL and the username are known. */
const captchaCommands = (r: HttpResult, username: string | undefined): string[] | undefined => {
  const command =
    username === undefined ? undefined : captchaResetCommand(r.exchange.request.url, username);
  return command === undefined ? undefined : [command];
};

const authenticated = (r: HttpResult | undefined): string | undefined =>
  r === undefined
    ? undefined
    : detectDataCenter(r.exchange.response ?? { status: 0, headers: {}, body: '' }).authenticatedAs;

/** Pure: what Data Center made of the credential. */
export const judgeDc = (f: DcIdentityFacts): Outcome => {
  const { result } = f;
  const net = answerProblem(result);
  if (net !== undefined)
    return { verdict: 'fail', code: net.code, summary: net.summary, remediation: net.remediation };
  const response = result.exchange.response ?? { status: 0, headers: {}, body: '' };
  const dc = detectDataCenter(response);
  const as = dc.authenticatedAs;
  const data = { product: 'data-center', status: result.status, sent: f.describe };
  const bearerUser = authenticated(f.bearer);
  const bearerProof = {
    asSent: result.status,
    corrected: f.bearer?.status,
    verified: bearerUser !== undefined,
  };
  if (dc.captcha)
    return failWith(
      'DC_CAPTCHA_REQUIRED',
      `Data Center answered ${result.status ?? '?'} "CAPTCHA required"${f.username === undefined ? '' : ` for ${f.username}`}: the account is locked after failed logins, and even the right password fails until the CAPTCHA is solved. The doctor sent no further login.`,
      {
        data: { ...data, captcha: true },
        remediation: remedy('DC_CAPTCHA_REQUIRED', captchaCommands(result, f.username)),
      },
    );
  if (f.scheme === 'Basic' && result.status === 403 && BASIC_DISABLED_BODY.test(result.body))
    return failWith(
      'DC_BASIC_AUTH_DISABLED',
      `Data Center refused ${f.describe} with 403 "Basic Authentication has been disabled on this instance." before reading the credential.${bearerUser === undefined ? '' : ` The same token as Bearer authenticates ${bearerUser}.`}`,
      { data, ...(f.bearer === undefined ? {} : { proof: bearerProof }) },
    );
  if (result.status === 200 && as !== undefined)
    return {
      verdict: 'pass',
      summary: `Authenticated as ${as} on Bitbucket Data Center (${f.describe}, ${DC_USER_HEADER}).`,
      data: { ...data, username: as },
    };
  // A capture shows no later permission check: the 401 with X-AUSERNAME is the finding itself.
  if (result.status === 401 && as !== undefined && f.captured === true)
    return failWith(
      'DC_NOT_PERMITTED',
      `Data Center authenticated ${as} (${DC_USER_HEADER}) but does not permit this resource (401 "You are not permitted to access this resource").`,
      { data: { ...data, authenticatedAs: as } },
    );
  if (result.status === 401 && as !== undefined)
    return {
      verdict: 'pass',
      summary: `Authenticated as ${as} (${f.describe}, ${DC_USER_HEADER}); this resource is not permitted to it (see scopes).`,
      data: { ...data, username: as },
    };
  if (result.status === 200)
    return failWith(
      'CREDENTIALS_IGNORED',
      `Data Center answered ${f.describe} anonymously (200 without ${DC_USER_HEADER}): it did not read the credential.`,
      { data },
    );
  if (result.status !== 401 && result.status !== 403)
    return { verdict: 'skip', summary: `Skipped: Data Center answered ${result.status ?? '?'}.` };
  if (f.shape === 'cloud')
    return failWith(
      'CLOUD_CREDENTIAL_ON_DC',
      `A Bitbucket Cloud credential (by its prefix) was sent to a Data Center server (${f.describe}) and refused (${result.status ?? '?'}): Cloud tokens and app passwords do not exist there.`,
      { data },
    );
  if (f.scheme === 'Basic' && f.shape === 'dc-token' && bearerUser !== undefined)
    return failWith(
      'DC_TOKEN_AS_BASIC',
      `An HTTP access token sent with Basic (${f.describe}) was refused (${result.status ?? '?'}); as Bearer it authenticates ${bearerUser}. Project and repository tokens work only as Bearer.`,
      { data: { ...data, authenticatedAs: bearerUser }, proof: bearerProof },
    );
  if (f.scheme === 'Bearer')
    return failWith(
      'DC_TOKEN_REJECTED',
      `Data Center refused the HTTP access token (${result.status ?? '?'} to Bearer, no ${DC_USER_HEADER}): expired, revoked, or made on another server.`,
      { data },
    );
  const email = f.username?.includes('@') === true;
  return failWith(
    'DC_CREDENTIALS_REJECTED',
    `Bitbucket Data Center refused ${f.describe} (${result.status ?? '?'}${dc.exceptionName === undefined ? '' : ` ${dc.exceptionName.replace(/^.*\./u, '')}`})${email ? ': an email address is not a Data Center username' : ': wrong username or password'}. The doctor sent no second login (5 failures lock the account).`,
    { data },
  );
};

/** explain: a saved Data Center answer, with the scheme its request shows. */
export const judgeCapturedDc = (result: HttpResult): Outcome => {
  const header = result.exchange.request.headers['authorization'] ?? '';
  const scheme = /^basic\s/iu.test(header)
    ? 'Basic'
    : /^bearer\s/iu.test(header)
      ? 'Bearer'
      : 'other';
  return judgeDc({
    describe: 'the captured request',
    scheme,
    shape: 'other',
    result,
    captured: true,
  });
};
