import { NETWORK_CODES } from '../src/facts/network.js';
import {
  TOKEN_CODES,
  tokenFix,
  capturedEndpoint,
  capturedResult,
  capturedTokenCall,
  fetchedTokenOf,
  readTokenAnswer,
  registerTokens,
  passwordGrantSummary,
  capturedPassword,
  tokenRequestPlan,
  unspentRefreshLines,
  type TokenCode,
  type TokenFetchFacts,
} from '../src/facts/token-endpoint.js';
import { basicAuthorization } from '../src/intake/credentials.js';
import {
  GRANT,
  TOKEN_FIELDS,
  TOKEN_FORM,
  TOKEN_TYPE_AS_SENT,
  grantOf,
  secretFieldsOf,
  tokenEndpointUrl,
} from '../src/knowledge/oauth.js';
import { day } from '../src/knowledge/timeline.js';
import { defineCheck, type Outcome } from '../src/types.js';

export type { TokenFetchFacts } from '../src/facts/token-endpoint.js';

const NO_REFRESH = `none (${GRANT.clientCredentials} issues none since ${day('oauth-changes-enforced')})`;

/** Pure: the network first, then the password grant, then the token or Bitbucket's own error. */
export const judge = (facts: TokenFetchFacts): Outcome => {
  const { answer } = facts;
  // A refresh token that was not spent is said in every verdict, with how to test it safely.
  const unspent =
    facts.refresh === undefined ? {} : { details: unspentRefreshLines(facts.refresh) };
  const skipped = `Skipped: ${facts.skip ?? 'no token request to judge'}.`;
  if (answer === undefined) return { verdict: 'skip', summary: skipped, ...unspent };
  const captured = facts.from === 'capture';
  const grant = facts.grant ?? 'an unknown grant';
  if (answer.problem !== undefined) {
    const { code, summary, remediation } = answer.problem;
    return { verdict: 'fail', code, summary: `Token endpoint: ${summary}`, remediation };
  }
  const said = `${answer.status ?? '?'}${answer.description === undefined ? '' : ` "${answer.description}"`}`;
  const token = answer.token;
  const fetchedToken = fetchedTokenOf(answer, grant);
  const provides = fetchedToken === undefined ? {} : { provides: { fetchedToken } };

  if (facts.password !== undefined) {
    // The password grant is gone (§1.2). Live, bb-doctor never sends the account password: it
    // shows whether the consumer works another way instead.
    return {
      verdict: 'fail',
      code: 'PASSWORD_GRANT_REMOVED',
      summary: passwordGrantSummary(facts.password, said, grant, token !== undefined),
      remediation: tokenFix('PASSWORD_GRANT_REMOVED', facts.endpoint),
      data:
        facts.password === 'sent'
          ? { grant: GRANT.password, status: answer.status, error: answer.error, captured }
          : { grant: GRANT.password, alternativeWorks: token !== undefined },
      ...provides,
    };
  }

  if (token !== undefined) {
    const life =
      token.expiresIn === undefined
        ? 'an unknown lifetime'
        : `${Math.round(token.expiresIn / 60)} min (${TOKEN_FIELDS.expiresIn} ${token.expiresIn})`;
    return {
      verdict: 'pass',
      summary: `${captured ? 'The capture shows a token obtained' : 'Got a token'} with ${grant}: scopes ${token.scopes.length > 0 ? token.scopes.join(' ') : '(none listed)'}; lives ${life}.`,
      details: [
        ...(token.tokenType === TOKEN_TYPE_AS_SENT
          ? [
              `${TOKEN_FIELDS.tokenType} is "${TOKEN_TYPE_AS_SENT}" in lower case, as OAuth allows (RFC 6749 §5.1); Bitbucket still wants the header scheme spelled "Bearer": never copy ${TOKEN_FIELDS.tokenType} into the header.`,
            ]
          : []),
        ...(unspent.details ?? []),
      ],
      data: {
        grant,
        scopes: token.scopes,
        expiresIn: token.expiresIn,
        tokenType: token.tokenType,
        refreshToken: grant === GRANT.clientCredentials ? NO_REFRESH : 'rotated',
        ...(captured ? { captured } : {}),
      },
      ...provides,
    };
  }

  // The signatures that can explain this answer. A password-grant signature only when the request
  // may have sent that grant: "Unsupported grant type: None" means no grant_type was read at all.
  const signature = answer.signatures.find(
    (s) =>
      s.code !== 'PASSWORD_GRANT_REMOVED' ||
      (facts.grant === undefined && s.id !== 'oauth-unsupported-grant'),
  );
  // Live, the doctor sent the consumer correctly as Basic: any refusal is the consumer's (or the
  // refresh token's). A capture shows only what was sent: without a known answer, no guess.
  const code: TokenCode | undefined =
    signature?.code ??
    (captured
      ? undefined
      : facts.grant === GRANT.refreshToken
        ? 'REFRESH_TOKEN_INVALID'
        : 'CONSUMER_INVALID');
  const data = {
    grant: facts.grant,
    status: answer.status,
    error: answer.error,
    ...(signature === undefined ? {} : { signature: signature.id }),
    ...(captured ? { captured } : {}),
  };
  if (code === undefined) {
    return {
      verdict: 'skip',
      summary: `Skipped: the captured token request was answered ${said}, which matches no documented token-endpoint error; the doctor cannot name the cause.`,
      data,
    };
  }
  return {
    verdict: 'fail',
    code,
    summary: `The token endpoint answered ${said}${captured ? ` to the captured ${facts.grant ?? 'token'} request` : ''}.`,
    remediation: tokenFix(code, facts.endpoint),
    data,
    ...unspent,
  };
};

export default defineCheck({
  meta: {
    id: 'token-fetch',
    title: 'An OAuth access token can be obtained',
    description:
      'With an OAuth consumer, the token endpoint says exactly what is wrong with the consumer; the token it gives is what the later checks use.',
    codes: [...TOKEN_CODES, ...NETWORK_CODES],
  },
  async gather(ctx): Promise<TokenFetchFacts> {
    const { credentials, authUrl } = ctx.input;
    // A refresh token rotates when spent: only with --use-refresh-token (contract.md, "Secrets").
    const { id, secret, refresh, said } = tokenRequestPlan(ctx.input);
    if (id === undefined || secret === undefined)
      return { from: 'live', skip: 'no OAuth consumer (client id and secret) was given', ...said };
    // A password a pasted step sent with the password grant (curl-input.ts), or one given.
    const given = credentials.find((c) => c.kind === 'account-password');
    const grant = refresh !== undefined ? GRANT.refreshToken : GRANT.clientCredentials;
    // Client credentials go in HTTP Basic (§1.3); the form carries only the grant.
    const result = await ctx.http.request(
      tokenEndpointUrl(authUrl),
      {
        method: 'POST',
        label: `token-fetch: ${grant} grant`,
        headers: { authorization: basicAuthorization(id.secret, secret.secret) },
        form: {
          [TOKEN_FORM.grantType]: grant,
          ...(refresh === undefined ? {} : { [TOKEN_FORM.refreshToken]: refresh.secret }),
        },
        secretKey: 'consumer',
      },
      ctx.signal,
    );
    const answer = readTokenAnswer(result);
    registerTokens(ctx, answer);
    return {
      from: 'live',
      grant,
      answer,
      endpoint: tokenEndpointUrl(authUrl),
      ...(given === undefined
        ? {}
        : { password: given.tokenRequestOnly === true ? ('pasted' as const) : ('given' as const) }),
      ...said,
    };
  },
  fromCapture(ctx, capture): TokenFetchFacts {
    const call = capturedTokenCall(capture.exchanges);
    if (call === undefined)
      return { from: 'capture', skip: 'the capture holds no call to the OAuth token endpoint' };
    const body = call.request.body;
    // The form's secrets (a password, a refresh token, a client secret) are secrets of this run.
    for (const { value } of secretFieldsOf(body)) ctx.registerSecret(value);
    const answer = readTokenAnswer(capturedResult(call));
    registerTokens(ctx, answer);
    const grant = grantOf(body);
    const endpoint = capturedEndpoint(call);
    return { from: 'capture', grant, answer, ...endpoint, ...capturedPassword(grant, capture) };
  },
  judge,
});
