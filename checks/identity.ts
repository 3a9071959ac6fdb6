import {
  type AuthAttempt,
  asSentAuth,
  correctAuth,
  effectiveKind,
  emailOf,
  fetchedToken,
  fromAuthorizationHeader,
  isUnexpanded,
  primaryCredential,
} from '../src/facts/auth.js';
import { answerProblem } from '../src/facts/network.js';
import { DATA_CENTER_SKIP, onDataCenter } from '../src/facts/requests.js';
import { basicAuthorization, kindByShape, parseAuthorization } from '../src/intake/credentials.js';
import { REFRESH_COMMAND, remedy } from '../src/facts/remedies.js';
import { DOCS } from '../src/knowledge/docs.js';
import { matchSignatures } from '../src/knowledge/signatures.js';
import { appPasswordStatus } from '../src/knowledge/timeline.js';
import { defineCheck, type CheckContext, type HttpResult, type Outcome } from '../src/types.js';

/** Who a 200 from /2.0/user says we are. */
const who = (result: HttpResult): string => {
  const body = result.json() as Record<string, unknown> | undefined;
  const name =
    body?.['username'] ?? body?.['nickname'] ?? body?.['display_name'] ?? body?.['account_id'];
  return typeof name === 'string' ? name : 'an account';
};

const facts = (result: HttpResult): Record<string, unknown> => {
  const body = result.json() as Record<string, unknown> | undefined;
  return {
    status: result.status,
    credentialType: result.header('x-credential-type'),
    scopes: result.header('x-oauth-scopes'),
    ...(result.status === 200 && body !== undefined
      ? {
          username: body['username'],
          displayName: body['display_name'],
          accountId: body['account_id'],
        }
      : {}),
  };
};

const said = (result: HttpResult): string => {
  const first = result.body.trim().split('\n')[0] ?? '';
  const json = result.json() as { error?: { message?: unknown } } | undefined;
  const message = typeof json?.error?.message === 'string' ? json.error.message : first;
  return message === ''
    ? `${result.status ?? '?'}`
    : `${result.status ?? '?'} "${message.slice(0, 140)}"`;
};

const isAccessTokenType = (type: string | undefined): boolean =>
  /(?:repo|repository|project|workspace)_access_token/u.test(type ?? '');

export default defineCheck({
  meta: {
    id: 'identity',
    title: 'The credentials authenticate a Bitbucket user',
    description:
      'GET /2.0/user says who the credentials are and, when Bitbucket refuses them, its answer and one changed variable (email for username, Bearer for Basic) say why.',
    codes: [
      'API_TOKEN_NEEDS_EMAIL',
      'API_TOKEN_AS_BEARER',
      'API_TOKEN_UNSCOPED',
      'APP_PASSWORD_REMOVED',
      'ACCOUNT_PASSWORD_REJECTED',
      'ACCESS_TOKEN_AS_BASIC',
      'TOKEN_EXPIRED',
      'TOKEN_INVALID',
      'AUTH_FAILED',
    ],
    needs: ['network', 'reads:connectivity', 'reads:token-fetch', 'credentials'],
  },
  async run(ctx) {
    const provided: { workingAuth?: AuthAttempt } = {};
    const outcome = await evaluate(ctx, provided);
    return provided.workingAuth === undefined ? outcome : { ...outcome, provides: provided };
  },
});

async function evaluate(
  ctx: CheckContext,
  provided: { workingAuth?: AuthAttempt },
): Promise<Outcome> {
  const { input } = ctx;
  const user = `${input.apiUrl}/2.0/user`;
  const send = (auth: AuthAttempt, label: string): Promise<HttpResult> =>
    ctx.http.request(
      user,
      {
        label: `identity: ${label}`,
        headers: { authorization: auth.header },
        secretKey: auth.secretKey,
      },
      ctx.signal,
    );
  const ok = (
    auth: AuthAttempt,
    result: HttpResult,
    summary: string,
    extra: Record<string, unknown> = {},
  ): Outcome => {
    provided.workingAuth = auth;
    return { verdict: 'pass', summary, data: { ...facts(result), via: auth.describe, ...extra } };
  };

  let credential = primaryCredential(input);
  if (credential === undefined || isUnexpanded(credential)) {
    // Only an OAuth consumer: test the token token-fetch obtains.
    await ctx.result('token-fetch');
    const token = await fetchedToken(ctx);
    if (token === undefined) {
      return {
        verdict: 'skip',
        summary:
          credential === undefined
            ? 'Skipped: no user credential and no OAuth token to test.'
            : 'Skipped: the secret is an unexpanded shell expression (see credentials).',
      };
    }
    credential = {
      kind: 'access-token',
      source: `token-fetch (${token.grant})`,
      secret: token.token,
      raw: token.token,
      classifiedBy: 'token-fetch',
    };
  }

  const kind = effectiveKind(credential);
  const asSent = asSentAuth(credential, input);
  const correct = correctAuth(credential, input);
  // A header the user gave is sent as they wrote it, except that the scheme is spelled right:
  // header-casing owns the spelling, identity tests the credential itself. A flag-given secret
  // is sent the way its flag implies (Basic with the given user, or Bearer).
  const sentScheme = parseAuthorization(asSent.header).scheme.toLowerCase();
  const first: AuthAttempt = !fromAuthorizationHeader(credential)
    ? asSent
    : sentScheme === 'basic' || sentScheme === 'bearer'
      ? {
          ...asSent,
          header: asSent.header.replace(/^\S+/u, sentScheme === 'basic' ? 'Basic' : 'Bearer'),
          describe:
            sentScheme === 'basic'
              ? `Basic${credential.username === undefined ? '' : ` with ${credential.username}`}`
              : 'Bearer',
        }
      : correct;
  const result = await send(first, `GET /2.0/user (${first.describe})`);
  if (await onDataCenter(ctx)) return { verdict: 'skip', summary: DATA_CENTER_SKIP };
  const net = answerProblem(result);
  if (net !== undefined)
    return {
      verdict: 'fail',
      code: net.code,
      summary: `/2.0/user: ${net.summary}`,
      remediation: net.remediation,
    };
  if (result.status === 429)
    return {
      verdict: 'skip',
      summary:
        'Skipped: /2.0/user answered 429 (see rate-limit); a rate limit says nothing about the credentials.',
    };
  if (result.exchange.error !== undefined)
    return { verdict: 'skip', summary: `Skipped: ${result.exchange.error.message}` };
  const type = result.header('x-credential-type');

  if (result.status === 200) {
    const sentBasicToken = first.header.startsWith('Basic') && kind === 'access-token';
    if (sentBasicToken) {
      return ok(first, result, `Authenticated as ${who(result)} with Basic.`);
    }
    if (kind === 'app-password' && appPasswordStatus(ctx.now()) !== 'removed') {
      provided.workingAuth = first;
      return {
        verdict: 'warn',
        code: 'APP_PASSWORD_REMOVED',
        summary: `Authenticated as ${who(result)} with an app password, which stops working on 2026-07-28.`,
        remediation: {
          hint: 'Replace the app password with an API token with scopes, used with your Atlassian account email.',
          url: DOCS.apiTokens,
        },
        data: facts(result),
      };
    }
    return ok(
      first,
      result,
      `Authenticated as ${who(result)} (${first.describe}${type === undefined ? '' : `, x-credential-type ${type}`}).`,
    );
  }

  // A repository/project/workspace access token is not a user: 403 here is expected (§3.3, §4.1).
  // Only repository/project/workspace tokens are "not a user"; an OAuth token belongs to one.
  if (
    result.status === 403 &&
    (isAccessTokenType(type) || kindByShape(credential.secret)?.kind === 'access-token')
  ) {
    return ok(
      first,
      result,
      `Valid ${type ?? 'access token'}: it is not a user, so /2.0/user answers 403 as expected.`,
      { notAUser: true },
    );
  }
  if (result.status === 403) {
    return ok(
      first,
      result,
      `Authenticated (${first.describe}), but /2.0/user answered 403: the credential lacks the account / read:user:bitbucket scope (see scopes).`,
      { missingIdentityScope: true },
    );
  }

  const signatures = matchSignatures({
    status: result.status ?? 0,
    headers: result.exchange.response?.headers ?? {},
    body: result.body,
  });
  const codes = signatures.map((s) => s.code);
  const answer = said(result);

  if (kind === 'api-token') {
    const email = emailOf(input, credential);
    const usedEmail = first.describe.includes('@');
    if (first.header.startsWith('Bearer')) {
      // API tokens go as Basic with the email (§2.3, §5.3); prove it with one more request.
      if (email !== undefined) {
        const basic: AuthAttempt = {
          ...correct,
          header: basicAuthorization(email, credential.secret),
          describe: `Basic with ${email}`,
        };
        const retry = await send(basic, `the same token as Basic with ${email}`);
        if (retry.status === 200 || retry.status === 403) {
          provided.workingAuth = basic;
          return {
            verdict: 'fail',
            code: 'API_TOKEN_AS_BEARER',
            summary: `The API token was sent as Bearer and refused (${answer}); as Basic with ${email} it works (${retry.status}).`,
            remediation: {
              hint: 'Send the API token as HTTP Basic with your Atlassian account email: curl -u "$BITBUCKET_EMAIL:$BITBUCKET_API_TOKEN".',
              commands: [`curl -u "$BITBUCKET_EMAIL:$BITBUCKET_API_TOKEN" ${user}`],
              url: DOCS.apiTokens,
            },
            data: { ...facts(retry), fixVerified: true },
          };
        }
      }
      return {
        verdict: 'fail',
        code: 'API_TOKEN_AS_BEARER',
        summary: `An API token (ATATT…) was sent as Bearer and refused (${answer}).`,
        remediation: {
          hint: 'Send the API token as HTTP Basic with your Atlassian account email (set --email or BITBUCKET_EMAIL), not as Bearer.',
          commands: [`curl -u "$BITBUCKET_EMAIL:$BITBUCKET_API_TOKEN" ${user}`],
          url: DOCS.apiTokens,
        },
        data: { fixVerified: false },
      };
    }
    if (!usedEmail) {
      if (email !== undefined) {
        const retry = await send(correct, `the same token with the email ${email}`);
        if (retry.status === 200 || retry.status === 403) {
          provided.workingAuth = correct;
          return {
            verdict: 'fail',
            code: 'API_TOKEN_NEEDS_EMAIL',
            summary: `The API token was sent with the username ${credential.username ?? '?'} and refused (${result.status ?? '?'}); with the account email ${email} it works (${retry.status}).`,
            remediation: {
              hint: `Use your Atlassian account email (${email}) as the username with an API token; the Bitbucket username only works for git.`,
              commands: [`curl -u "$BITBUCKET_EMAIL:$BITBUCKET_API_TOKEN" ${user}`],
              url: DOCS.getting401KB,
            },
            data: { ...facts(retry), fixVerified: true },
          };
        }
        if (
          matchSignatures({
            status: retry.status ?? 0,
            headers: retry.exchange.response?.headers ?? {},
            body: retry.body,
          }).some((s) => s.id === 'cloud-token-invalid')
        ) {
          return {
            verdict: 'fail',
            code: 'API_TOKEN_UNSCOPED',
            summary: `Refused with the username and with the email ${email}: ${said(retry)}; a classic API token without Bitbucket scopes (or an expired one) answers this way.`,
            remediation: remedy('API_TOKEN_UNSCOPED'),
            data: { fixVerified: false },
          };
        }
      }
      return {
        verdict: 'fail',
        code: 'API_TOKEN_NEEDS_EMAIL',
        summary: `The API token was sent with the username ${credential.username ?? '(none)'} and refused (${answer}); API tokens want the Atlassian account email for REST.`,
        remediation: {
          hint: 'Pass your Atlassian account email (the one you log in with at id.atlassian.com) with --email or BITBUCKET_EMAIL; the username only works for git.',
          commands: ['export BITBUCKET_EMAIL=you@example.com'],
          url: DOCS.getting401KB,
        },
        data: { fixVerified: false },
      };
    }
    if (codes.includes('TOKEN_INVALID')) {
      return {
        verdict: 'fail',
        code: 'API_TOKEN_UNSCOPED',
        summary: `The API token was refused with the email ${email ?? ''}: ${answer}. A classic token without Bitbucket scopes, or an expired or revoked one, answers this way.`,
        remediation: remedy('API_TOKEN_UNSCOPED'),
      };
    }
    return {
      verdict: 'fail',
      code: 'TOKEN_INVALID',
      summary: `The API token was refused with the email ${email ?? ''}: ${answer}. The email may not be the token owner's, or the token was revoked.`,
      remediation: {
        hint: 'Check that the email is the account that created the token, or create a new API token with scopes.',
        url: DOCS.apiTokens,
      },
    };
  }

  if (kind === 'app-password' || codes.includes('APP_PASSWORD_REMOVED')) {
    const status = appPasswordStatus(ctx.now());
    return {
      verdict: 'fail',
      code: 'APP_PASSWORD_REMOVED',
      summary: `An app password was refused (${answer}): app passwords ${status === 'removed' ? 'were removed on 2026-07-28' : 'are being removed (brownouts since 2026-06-09, removal 2026-07-28)'}.`,
      remediation: {
        hint: 'Create an API token with scopes and use it with your Atlassian account email (REST) or your username (git).',
        commands: [
          'export BITBUCKET_EMAIL=you@example.com BITBUCKET_API_TOKEN=...   # the new token',
        ],
        url: DOCS.apiTokens,
      },
    };
  }
  if (kind === 'account-password' || codes.includes('ACCOUNT_PASSWORD_REJECTED')) {
    return {
      verdict: 'fail',
      code: 'ACCOUNT_PASSWORD_REJECTED',
      summary: `The account password was refused (${answer}): Bitbucket Cloud rejects account passwords for the API since 2022-03-01.`,
      remediation: remedy('ACCOUNT_PASSWORD_REJECTED'),
    };
  }

  // Access tokens (OAuth, repository/project/workspace).
  if (first.header.startsWith('Basic')) {
    const bearer = { ...correct, header: `Bearer ${credential.secret}`, describe: 'Bearer' };
    const retry = await send(bearer, 'the same token as Bearer');
    if (retry.status === 200 || retry.status === 403) {
      provided.workingAuth = bearer;
      return {
        verdict: 'fail',
        code: 'ACCESS_TOKEN_AS_BASIC',
        summary: `The token was sent with Basic and refused (${result.status ?? '?'}); as Bearer it works (${retry.status}${retry.header('x-credential-type') === undefined ? '' : `, ${retry.header('x-credential-type') ?? ''}`}).`,
        remediation: remedy('ACCESS_TOKEN_AS_BASIC', [
          `curl -H "Authorization: Bearer $BITBUCKET_ACCESS_TOKEN" ${user}`,
        ]),
        data: { ...facts(retry), fixVerified: true },
      };
    }
    return {
      verdict: 'fail',
      code: 'AUTH_FAILED',
      summary: `Basic credentials were refused (${answer}) and the secret does not work as Bearer either.`,
      remediation: {
        hint: 'Check the username and secret pair: API tokens go with your email, access tokens as Bearer.',
        url: DOCS.getting401KB,
      },
    };
  }
  if (codes.includes('TOKEN_EXPIRED')) {
    return {
      verdict: 'fail',
      code: 'TOKEN_EXPIRED',
      summary: `The access token has expired (${answer}); Bitbucket OAuth access tokens live 2 hours.`,
      remediation: remedy('TOKEN_EXPIRED', [REFRESH_COMMAND]),
    };
  }
  return {
    verdict: 'fail',
    code: 'TOKEN_INVALID',
    summary: `Bitbucket does not recognise the token (${answer}).`,
    remediation: remedy('TOKEN_INVALID'),
  };
}
