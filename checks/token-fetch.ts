import { basicAuthorization } from '../src/intake/credentials.js';
import type { FetchedToken } from '../src/facts/auth.js';
import { NETWORK_CODES } from '../src/facts/network.js';
import { answerProblem } from '../src/facts/network.js';
import { CLIENT_CREDENTIALS_COMMAND, remedy } from '../src/facts/remedies.js';
import { parseScopeList } from '../src/knowledge/scopes.js';
import { matchSignatures, parseErrorBody } from '../src/knowledge/signatures.js';
import {
  defineCheck,
  type CheckContext,
  type FindingCode,
  type Outcome,
  type Remediation,
} from '../src/types.js';

const TOKEN_CODES = [
  'CONSUMER_INVALID',
  'CONSUMER_NOT_PRIVATE',
  'CONSUMER_NO_CALLBACK',
  'REFRESH_TOKEN_INVALID',
  'PASSWORD_GRANT_REMOVED',
] as const;

/** What to do about each token-endpoint error (bitbucket-auth.md §1.6): the catalogue's advice. */
const FIXES: Record<(typeof TOKEN_CODES)[number], Remediation> = {
  CONSUMER_INVALID: remedy('CONSUMER_INVALID', [CLIENT_CREDENTIALS_COMMAND]),
  CONSUMER_NOT_PRIVATE: remedy('CONSUMER_NOT_PRIVATE'),
  CONSUMER_NO_CALLBACK: remedy('CONSUMER_NO_CALLBACK'),
  REFRESH_TOKEN_INVALID: remedy('REFRESH_TOKEN_INVALID'),
  PASSWORD_GRANT_REMOVED: remedy('PASSWORD_GRANT_REMOVED', [CLIENT_CREDENTIALS_COMMAND]),
};

const isTokenCode = (code: FindingCode): code is (typeof TOKEN_CODES)[number] =>
  (TOKEN_CODES as readonly string[]).includes(code);

export default defineCheck({
  meta: {
    id: 'token-fetch',
    title: 'An OAuth access token can be obtained',
    description:
      'With an OAuth consumer, the token endpoint says exactly what is wrong with the consumer; the token it gives is what the later checks use.',
    codes: [...TOKEN_CODES, ...NETWORK_CODES],
    needs: ['network', 'consumer'],
  },
  async run(ctx) {
    const provided: { fetchedToken?: FetchedToken } = {};
    const outcome = await evaluate(ctx, provided);
    return provided.fetchedToken === undefined ? outcome : { ...outcome, provides: provided };
  },
});

async function evaluate(
  ctx: CheckContext,
  provided: { fetchedToken?: FetchedToken },
): Promise<Outcome> {
  const { input } = ctx;
  const id = input.credentials.find((c) => c.kind === 'client-id')!;
  const secret = input.credentials.find((c) => c.kind === 'client-secret')!;
  const refresh = input.credentials.find((c) => c.kind === 'refresh-token');
  const password = input.credentials.find((c) => c.kind === 'account-password');
  const grant = refresh !== undefined ? 'refresh_token' : 'client_credentials';
  // Client credentials go in HTTP Basic (§1.3); the form carries only the grant.
  const result = await ctx.http.request(
    `${input.authUrl}/site/oauth2/access_token`,
    {
      method: 'POST',
      label: `token-fetch: ${grant} grant`,
      headers: {
        authorization: basicAuthorization(id.secret, secret.secret),
      },
      form:
        refresh === undefined
          ? { grant_type: grant }
          : { grant_type: grant, refresh_token: refresh.secret },
      secretKey: 'consumer',
    },
    ctx.signal,
  );
  const problem = answerProblem(result);
  if (problem !== undefined) {
    return {
      verdict: 'fail',
      code: problem.code,
      summary: `Token endpoint: ${problem.summary}`,
      remediation: problem.remediation,
    };
  }
  const body = result.json() as Record<string, unknown> | undefined;
  const token = typeof body?.['access_token'] === 'string' ? body['access_token'] : undefined;
  let obtained: FetchedToken | undefined;
  if (result.status === 200 && token !== undefined) {
    // Register at once: from here on the token is a secret of this run like any other.
    ctx.registerSecret(token);
    if (typeof body?.['refresh_token'] === 'string') ctx.registerSecret(body['refresh_token']);
    // Since 2026-05-04 the response says "scope", before it said "scopes" (§1.4): accept both.
    const scopeKey = typeof body?.['scope'] === 'string' ? 'scope' : 'scopes';
    const scopes = parseScopeList(
      typeof body?.[scopeKey] === 'string' ? body[scopeKey] : undefined,
    );
    const expiresIn = typeof body?.['expires_in'] === 'number' ? body['expires_in'] : undefined;
    const tokenType = typeof body?.['token_type'] === 'string' ? body['token_type'] : undefined;
    obtained = {
      token,
      scopes,
      grant,
      ...(expiresIn === undefined ? {} : { expiresIn }),
      ...(tokenType === undefined ? {} : { tokenType }),
    };
    provided.fetchedToken = obtained;
  }

  if (password !== undefined) {
    // The user's plan is the password grant. It is gone (§1.2); bb-doctor does not send the
    // account password to prove it, and shows whether the consumer works another way instead.
    return {
      verdict: 'fail',
      code: 'PASSWORD_GRANT_REMOVED',
      summary: `A username and account password were given with an OAuth consumer: grant_type=password was removed in 2022. ${
        obtained !== undefined
          ? 'The same consumer does get a token with client_credentials.'
          : 'The consumer did not get a token with client_credentials either.'
      }`,
      remediation: FIXES.PASSWORD_GRANT_REMOVED,
      data: { grant: 'password', alternativeWorks: obtained !== undefined },
    };
  }

  if (obtained !== undefined) {
    const life =
      obtained.expiresIn === undefined
        ? 'an unknown lifetime'
        : `${Math.round(obtained.expiresIn / 60)} min (expires_in ${obtained.expiresIn})`;
    const lower = obtained.tokenType === 'bearer';
    return {
      verdict: 'pass',
      summary: `Got a token with ${grant}: scopes ${obtained.scopes.length > 0 ? obtained.scopes.join(' ') : '(none listed)'}; lives ${life}.`,
      details: lower
        ? [
            'token_type is "bearer" in lower case, as OAuth allows (RFC 6749 §5.1); Bitbucket still wants the header scheme spelled "Bearer": never copy token_type into the header.',
          ]
        : [],
      data: {
        grant,
        scopes: obtained.scopes,
        expiresIn: obtained.expiresIn,
        tokenType: obtained.tokenType,
        refreshToken:
          grant === 'client_credentials'
            ? 'none (client_credentials issues none since 2026-05-04)'
            : 'rotated',
      },
    };
  }

  const parsed = parseErrorBody(result.body, result.header('content-type'));
  const signature = matchSignatures({
    status: result.status ?? 0,
    headers: result.exchange.response?.headers ?? {},
    body: result.body,
    // bb-doctor never sends grant_type=password, so a "password grant" signature ("Unsupported
    // grant type: None" means the grant was not read) cannot be the cause of this answer.
  }).find((s) => isTokenCode(s.code) && s.code !== 'PASSWORD_GRANT_REMOVED');
  const code: (typeof TOKEN_CODES)[number] =
    signature !== undefined && isTokenCode(signature.code)
      ? signature.code
      : grant === 'refresh_token'
        ? 'REFRESH_TOKEN_INVALID'
        : 'CONSUMER_INVALID';
  const said =
    parsed.message === undefined
      ? `answered ${result.status ?? '?'}`
      : `answered ${result.status ?? '?'} "${parsed.message}"`;
  return {
    verdict: 'fail',
    code,
    summary: `The token endpoint ${said}.`,
    remediation: FIXES[code],
    data: {
      grant,
      status: result.status,
      error: parsed.oauthError,
      ...(signature === undefined ? {} : { signature: signature.id }),
    },
  };
}
