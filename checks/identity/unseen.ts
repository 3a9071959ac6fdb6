/**
 * identity's last resorts: a refusal whose request the capture does not show, and one that no
 * experiment or shape narrows down (contract: AUTH_REJECTED, with data.alternatives). Pure.
 */
import { remedy } from '../../src/knowledge/remedies.js';
import { appPasswordStatus, day } from '../../src/knowledge/timeline.js';
import type { HttpResult, Outcome } from '../../src/types.js';
import { fail, type IdentityFacts } from './judge.js';
import { signaturesOf } from './rejected.js';
import { alternativesFor, said } from './words.js';

/**
 * The request is not in the capture (a pasted body, a log line): name the likeliest catalogue cause
 * from what the answer shows (its Date: after 2026-07-28 an app password is dead; §5.1), and list
 * the others with how to tell them apart (contract: AUTH_REJECTED only as a last resort).
 */
export const judgeUnseen = (
  f: IdentityFacts,
  result: HttpResult,
  ids: readonly string[],
): Outcome => {
  // An answer in words of its own (account passwords, expired tokens…) names its cause; only the
  // generic Basic refusal needs the likeliest-cause reading.
  const specific = signaturesOf(result).find(
    (s) => s.blamesCredentials && s.code !== 'AUTH_REJECTED' && s.code !== 'SCOPE_MISSING',
  );
  if (specific !== undefined) {
    return fail(
      specific.code,
      `${specific.summary} (${said(result)}; the capture does not show the request).`,
      remedy(specific.code),
    );
  }
  const basic = ids.some((id) => id === 'cloud-basic-login-failed' || id === 'cloud-basic-realm');
  if (basic) {
    const removed = appPasswordStatus(f.date) === 'removed';
    const likeliest = removed ? 'APP_PASSWORD_REMOVED' : 'API_TOKEN_NEEDS_EMAIL';
    const alternatives = alternativesFor(likeliest);
    return fail(
      likeliest,
      `Bitbucket refused Basic credentials (${said(result)}); the capture does not show the request, so this is the likeliest cause${removed ? ` for an answer after ${day('app-passwords-removed')}, when app passwords were removed` : ' (an API token with the username instead of the email)'}, not a proven one.`,
      remedy(likeliest),
      { data: { likeliest, alternatives } },
    );
  }
  return rejected(
    f,
    result,
    `Bitbucket refused the credentials (${said(result)}); the capture does not show the request, so which credential was sent (and how) is unknown.`,
  );
};

/** The last resort: a refusal no experiment or shape narrows down (contract: AUTH_REJECTED). */
export const rejected = (f: IdentityFacts, result: HttpResult, summary: string): Outcome => {
  const signature = signaturesOf(result)[0];
  if (
    signature !== undefined &&
    signature.code !== 'AUTH_REJECTED' &&
    signature.blamesCredentials &&
    !f.requestKnown
  ) {
    const code = signature.code;
    if (code !== 'SCOPE_MISSING' && code !== 'RATE_LIMITED') {
      return fail(code, `${summary} ${signature.summary}`, remedy(code));
    }
  }
  return fail('AUTH_REJECTED', summary, remedy('AUTH_REJECTED'), {
    data: { alternatives: alternativesFor(undefined, f.sent) },
  });
};
