/**
 * identity's judge: who a credential authenticates as, and, when Bitbucket refuses it, why. Pure:
 * the same facts come from a live run (gather.ts: GET /2.0/user and one changed variable) or from
 * a capture (capture.ts: the captured rejection and the request that got it).
 *
 * Several Bitbucket answers are ambiguous on their own (bitbucket-auth.md §3.4, §5.3: one "Login
 * failed" text and one "Token is invalid" text for several mistakes), so the judge reads the
 * credential as sent (kind by shape, scheme, username) beside the answer, and the experiment when
 * there is one.
 */
import { day } from '../../src/knowledge/timeline.js';
import { CREDENTIAL_HEADERS } from '../../src/knowledge/headers.js';
import { CLOUD_PATHS } from '../../src/knowledge/docs.js';
import { remedy } from '../../src/knowledge/remedies.js';
import { forbiddenAlternatives } from '../../src/knowledge/rejections.js';
import { matchSignatures } from '../../src/knowledge/signatures.js';
import type { AuthAttempt } from '../../src/facts/auth.js';
import { answerProblem } from '../../src/facts/network.js';
import { DOCS } from '../../src/knowledge/docs.js';
import { appPasswordStatus } from '../../src/knowledge/timeline.js';
import { withoutUsername } from './no-username.js';
import type {
  CredentialKind,
  FindingCode,
  HttpResult,
  Outcome,
  Product,
  Proof,
  Remediation,
} from '../../src/types.js';
import { judgeCapturedDc, judgeDc, type DcIdentityFacts } from './data-center.js';
import { DATA_CENTER_SKIP } from '../../src/facts/requests.js';
import { judgeRejected } from './rejected.js';
import { facts, who } from './words.js';

/** The credential as it was sent, described without the secret. */
export interface SentCredential {
  /** What the secret is, by its shape or its flag; undefined when nothing tells. */
  readonly kind: CredentialKind | undefined;
  /** `Basic`, `Bearer`, or the scheme as written. */
  readonly scheme: string;
  readonly username?: string | undefined;
  /** e.g. "Basic with alice@example.com" (no secret). */
  readonly describe: string;
}

/** The one changed variable: the same credential sent another way. */
export interface Experiment {
  readonly change: 'email' | 'basic-email' | 'bearer';
  readonly auth: AuthAttempt;
  readonly result: HttpResult;
}

export interface IdentityFacts {
  /** Why there is nothing to judge. */
  readonly skip?: string;
  readonly product?: Product | undefined;
  /** Data Center: its own gathering (data-center.ts). */
  readonly dc?: DcIdentityFacts;
  /** The facts come from a capture: no experiment was possible, and the words say so. */
  readonly captured: boolean;
  /** The URL asked (for the commands): /2.0/user live, the captured URL offline. */
  readonly url: string;
  /** The run's OAuth base (`--auth-url`): where a refresh goes. */
  readonly authUrl?: string;
  /** When the answer was given (its Date header offline): app-password advice depends on it. */
  readonly date: Date;
  /** The captured exchange shows the request (a pasted body alone does not). */
  readonly requestKnown: boolean;
  readonly sent?: SentCredential;
  /** The attempt as sent (live), provided to later checks when it works. */
  readonly first?: AuthAttempt;
  readonly result?: HttpResult;
  /** The account email, when one is known (API tokens want it for REST, §5.2). */
  readonly email?: string | undefined;
  readonly experiment?: Experiment;
  /** The credential has no username to go with Basic: nothing was sent. */
  readonly noUsername?: { readonly kind: string; readonly source: string };
}

export const works = (result: HttpResult | undefined): boolean =>
  result?.status === 200 || result?.status === 403;

const isAccessTokenType = (type: string | undefined): boolean =>
  /(?:repo|repository|project|workspace)_access_token/u.test(type ?? '');

export const fail = (
  code: FindingCode,
  summary: string,
  remediation: Remediation,
  extra: { data?: Record<string, unknown>; proof?: Proof; working?: AuthAttempt } = {},
): Outcome => ({
  verdict: 'fail',
  code,
  summary,
  remediation,
  ...(extra.data === undefined ? {} : { data: extra.data }),
  ...(extra.proof === undefined ? {} : { proof: extra.proof }),
  ...(extra.working === undefined ? {} : { provides: { workingAuth: extra.working } }),
});

/** The experiment as proof: the answer as sent beside the answer with one variable changed. */
export const proofOf = (f: IdentityFacts): Proof => ({
  asSent: f.result?.status,
  corrected: f.experiment?.result.status,
  verified: works(f.experiment?.result),
});

const passed = (f: IdentityFacts, result: HttpResult, summary: string, extra = {}): Outcome => ({
  verdict: 'pass',
  summary,
  data: { ...facts(result), via: f.sent?.describe, ...extra },
  ...(f.first === undefined ? {} : { provides: { workingAuth: f.first } }),
});

/** A 200 or a 403 on /2.0/user: authenticated (an access token is not a user: 403, §3.3, §4.1). */
const judgeAccepted = (f: IdentityFacts, result: HttpResult): Outcome => {
  const kind = f.sent?.kind;
  const type = result.header(CREDENTIAL_HEADERS.credentialType);
  if (result.status === 200) {
    if (kind === 'app-password' && appPasswordStatus(f.date) !== 'removed') {
      return {
        verdict: 'warn',
        code: 'APP_PASSWORD_REMOVED',
        summary: `Authenticated as ${who(result)} with an app password, which stops working on ${day('app-passwords-removed')}.`,
        remediation: {
          hint: 'Replace the app password with an API token with scopes, used with your Atlassian account email.',
          url: DOCS.apiTokens,
        },
        data: facts(result),
        ...(f.first === undefined ? {} : { provides: { workingAuth: f.first } }),
      };
    }
    const how = f.sent?.scheme === 'Basic' && kind === 'access-token' ? 'Basic' : f.sent?.describe;
    return passed(
      f,
      result,
      `Authenticated as ${who(result)} (${how ?? 'as sent'}${type === undefined ? '' : `, ${CREDENTIAL_HEADERS.credentialType} ${type}`}).`,
    );
  }
  if (isAccessTokenType(type) || kind === 'access-token') {
    return passed(
      f,
      result,
      `Valid ${type ?? 'access token'}: it is not a user, so ${CLOUD_PATHS.currentUser} answers 403 as expected.`,
      { notAUser: true },
    );
  }
  return passed(
    f,
    result,
    `Authenticated (${f.sent?.describe ?? 'as sent'}), but ${CLOUD_PATHS.currentUser} answered 403: the credential lacks the account / read:user:bitbucket scope (see scopes).`,
    { missingIdentityScope: true },
  );
};

/** A captured 403 that no signature explains, on anything but /2.0/user (§3.3). */
const unexplainedForbidden = (f: IdentityFacts, result: HttpResult): boolean =>
  !f.url.endsWith(CLOUD_PATHS.currentUser) &&
  matchSignatures(result.exchange.response ?? { status: 0, headers: {}, body: '' }).length === 0;

export const judge = (f: IdentityFacts): Outcome => {
  if (f.skip !== undefined) return { verdict: 'skip', summary: `Skipped: ${f.skip}` };
  if (f.noUsername !== undefined) return withoutUsername(f.noUsername);
  if (f.dc !== undefined) return judgeDc(f.dc);
  if (f.product === 'data-center' && f.captured && f.result !== undefined)
    return judgeCapturedDc(f.result);
  if (f.product === 'data-center') return { verdict: 'skip', summary: DATA_CENTER_SKIP };
  const result = f.result;
  if (result === undefined) return { verdict: 'skip', summary: 'Skipped: no answer to judge.' };
  const net = answerProblem(result);
  if (net !== undefined) {
    return fail(net.code, `${new URL(f.url).pathname}: ${net.summary}`, net.remediation);
  }
  if (result.status === 429) {
    return {
      verdict: 'skip',
      summary: `Skipped: ${new URL(f.url).pathname} answered 429 (see rate-limit); a rate limit says nothing about the credentials.`,
    };
  }
  if (result.exchange.error !== undefined) {
    return { verdict: 'skip', summary: `Skipped: ${result.exchange.error.message}` };
  }
  if (f.captured && result.status === 403 && unexplainedForbidden(f, result)) {
    return fail(
      'AUTH_REJECTED',
      `${f.requestKnown ? 'The captured request' : 'The captured answer'} got 403 with no documented answer${f.sent === undefined ? '' : ` (it sent ${f.sent.describe})`}: Bitbucket refused it, and the capture cannot narrow down why.`,
      remedy('AUTH_REJECTED'),
      { data: { alternatives: forbiddenAlternatives() } },
    );
  }
  if (works(result)) return judgeAccepted(f, result);
  return judgeRejected(f, result);
};
