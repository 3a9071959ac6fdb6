// What Bitbucket Data Center puts on the wire: its error envelope, the exact messages the dossier
// quotes, its challenge and identity headers. Each with its bitbucket-auth.md section and source; the
// [U] choices are listed in README.md ("Data Center").

import type { Reply } from './wire.js';
import { htmlReply, jsonReply, textReply } from './wire.js';

/**
 * §8 [H] (community qaq-p/1064279; stashnotifier #263): the 401 error body
 * `{"errors":[{"context":null,"message":"…","exceptionName":"…"}]}`. Also used for 404s (contract.md:
 * `NoSuchRepositoryException` / `NoSuchProjectException`).
 */
export function dcErrors(
  status: number,
  message: string,
  exceptionName: string | null,
  headers: Record<string, string> = {},
): Reply {
  return jsonReply(status, { errors: [{ context: null, message, exceptionName }] }, headers);
}

/** §8 [H] (GCM `BitbucketHostProvider.cs`; stashnotifier #263): every 401's challenge. */
export const DC_BASIC_CHALLENGE = 'Basic realm="Atlassian Bitbucket"';

export const DC_EXCEPTIONS = {
  incorrectPassword: 'com.atlassian.bitbucket.auth.IncorrectPasswordAuthenticationException',
  captcha: 'com.atlassian.bitbucket.auth.CaptchaRequiredAuthenticationException',
  authorisation: 'com.atlassian.bitbucket.AuthorisationException',
  noSuchProject: 'com.atlassian.bitbucket.project.NoSuchProjectException',
  noSuchRepository: 'com.atlassian.bitbucket.repository.NoSuchRepositoryException',
  noSuchUser: 'com.atlassian.bitbucket.user.NoSuchUserException',
} as const;

/** §8 [M] (several clients' fixtures; baloise/gitopscli, Karunamon/concourse-resource-bitbucket). */
export const DC_AUTH_FAILED_MESSAGE =
  'Authentication failed. Please check your credentials and try again.';

/** §8 [H] (community qaq-p/1064279; KB pageId 1416563314). */
export const DC_NOT_PERMITTED_MESSAGE = 'You are not permitted to access this resource';

/** §12.3 [H] (atlassian/data-center-helm-charts PR #1101; opendevstack/ods-pipeline #683). */
export const DC_BASIC_DISABLED_MESSAGE = 'Basic Authentication has been disabled on this instance.';

/**
 * §8 [H] (jenkinsci/stashnotifier-plugin #263): the CAPTCHA lock, word for word; `{url}` is the
 * server's base URL.
 */
export function captchaMessage(baseUrl: string): string {
  return (
    'CAPTCHA required. Your Bitbucket account has been locked. To unlock it and log in again you must solve a CAPTCHA. ' +
    'This is typically caused by too many attempts to login with an incorrect password. ' +
    'The account lock prevents your SCM client from accessing Bitbucket and its mirrors until it is solved, even if you enter your password correctly.' +
    '\n\nIf you are currently logged in to Bitbucket via a browser you may need to logout and then log back in in order to solve the CAPTCHA.' +
    `\n\nVisit Bitbucket at ${baseUrl} for more details.`
  );
}

/** 401 to a failed Basic login (§8 [M]): challenge, no `X-AUSERNAME`. */
export function dcAuthFailed(): Reply {
  return dcErrors(401, DC_AUTH_FAILED_MESSAGE, DC_EXCEPTIONS.incorrectPassword, {
    'www-authenticate': DC_BASIC_CHALLENGE,
  });
}

/** 401 while the account is locked (§8 [H]): challenge; no `X-Authentication-Denied-Reason` ([U] for Bitbucket). */
export function dcCaptchaRequired(baseUrl: string): Reply {
  return dcErrors(401, captchaMessage(baseUrl), DC_EXCEPTIONS.captcha, {
    'www-authenticate': DC_BASIC_CHALLENGE,
  });
}

/**
 * 401 AuthorisationException (§8 [H]). Authenticated callers also get `X-AUSERNAME` (added by the
 * router) and, CHOSEN after contract.md ("often `WWW-Authenticate: OAuth realm=…`"), an OAuth
 * challenge; anonymous callers get the Basic challenge (without it no client would send a password).
 */
export function dcNotPermitted(authenticated: boolean, baseUrl: string): Reply {
  return dcErrors(401, DC_NOT_PERMITTED_MESSAGE, DC_EXCEPTIONS.authorisation, {
    'www-authenticate': authenticated ? `OAuth realm="${baseUrl}"` : DC_BASIC_CHALLENGE,
  });
}

/** §12.3 [H]: before the credentials are checked. Body shape as on Jira/Confluence DC ([U] for Bitbucket). */
export function dcBasicDisabled(): Reply {
  return jsonReply(403, { message: DC_BASIC_DISABLED_MESSAGE });
}

export function dcNoSuchProject(key: string): Reply {
  return dcErrors(404, `Project ${key} does not exist.`, DC_EXCEPTIONS.noSuchProject);
}

export function dcNoSuchRepository(key: string, slug: string): Reply {
  return dcErrors(404, `Repository ${key}/${slug} does not exist.`, DC_EXCEPTIONS.noSuchRepository);
}

export function dcNoSuchUser(slug: string): Reply {
  return dcErrors(404, `User ${slug} does not exist.`, DC_EXCEPTIONS.noSuchUser);
}

/** An unknown `/rest/...` resource: CHOSEN the envelope with a null exceptionName ([U]). */
export function dcNoResource(path: string): Reply {
  return dcErrors(404, `No resource found for ${path}`, null);
}

/** The application's HTML 404 page (contract.md CLOUD_PATH_ON_DC: "The 404 page is unverified"). */
export function dcHtml404(): Reply {
  return htmlReply(
    404,
    '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Page not found - Bitbucket</title></head>\n' +
      "<body><h1>Page not found</h1><p>We can't find the page you're looking for. It may have been deleted or moved.</p></body></html>\n",
  );
}

/** The login page, where tokens used outside `/rest` and `/scm` are sent (§8 [H], access-tokens KB). */
export function dcLoginPage(): Reply {
  return htmlReply(
    200,
    '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Log in - Bitbucket</title></head>\n' +
      '<body><form id="j-login-form" method="post"><input name="j_username"><input name="j_password" type="password"></form></body></html>\n',
  );
}

export function dcRedirectToLogin(baseUrl: string, next: string): Reply {
  return textReply(302, '', { location: `${baseUrl}/login?next=${encodeURIComponent(next)}` });
}

/** A web page for a logged-in user (the simulator has no UI; CHOSEN a stub). */
export function dcWebPage(title: string): Reply {
  return htmlReply(
    200,
    `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>${title} - Bitbucket</title></head><body></body></html>\n`,
  );
}

/**
 * git's CAPTCHA (§8 [H], desktop/desktop #14680): `fatal: remote error: CAPTCHA required` and the
 * same text. CHOSEN: a 200 advertisement whose `ERR` line is "CAPTCHA required" + newline + the rest
 * of the REST message.
 */
export function gitCaptchaText(baseUrl: string): string {
  return `CAPTCHA required\n${captchaMessage(baseUrl).slice('CAPTCHA required. '.length)}\n`;
}
