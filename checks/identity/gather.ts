/**
 * identity's live gathering: GET /2.0/user with the credential as the user sends it, then, when
 * Bitbucket refuses it, the one experiment its kind calls for (design.md: change one variable):
 * an API token sent as Bearer → Basic with the email; an API token with the username → the email;
 * a token sent with Basic → Bearer (bitbucket-auth.md §2.3, §5.2, §5.3).
 */
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
} from '../../src/facts/auth.js';
import { answerProblem } from '../../src/facts/network.js';
import { productBeforeCredentials } from '../../src/facts/requests.js';
import { afterGit } from '../../src/facts/git-story.js';
import { basicAuthorization, parseAuthorization } from '../../src/intake/credentials.js';
import { matchSignatures } from '../../src/knowledge/signatures.js';
import { CLOUD_PATHS } from '../../src/knowledge/docs.js';
import type { CheckContext, Credential, HttpResult } from '../../src/types.js';
import { gatherDc } from './dc-gather.js';
import type { Experiment, IdentityFacts } from './judge.js';

/** The credential under test, or the token token-fetch obtained when there is only a consumer. */
const credentialUnderTest = async (ctx: CheckContext): Promise<Credential | { skip: string }> => {
  const credential = primaryCredential(ctx.input);
  if (credential !== undefined && !isUnexpanded(credential)) return credential;
  const token = await fetchedToken(ctx);
  if (token === undefined) {
    return {
      skip:
        credential === undefined
          ? 'no user credential and no OAuth token to test.'
          : 'the secret is an unexpanded shell expression (see credentials).',
    };
  }
  return {
    kind: 'access-token',
    source: `token-fetch (${token.grant})`,
    secret: token.token,
    raw: token.token,
    classifiedBy: 'token-fetch',
  };
};

/**
 * A header the user gave is sent as they wrote it, except that the scheme is spelled right:
 * header-casing owns the spelling, identity tests the credential itself. A flag-given secret is
 * sent the way its flag implies (Basic with the given user, or Bearer).
 */
const firstAttempt = (credential: Credential, ctx: CheckContext): AuthAttempt => {
  const asSent = asSentAuth(credential, ctx.input);
  if (!fromAuthorizationHeader(credential)) return asSent;
  const scheme = parseAuthorization(asSent.header).scheme.toLowerCase();
  if (scheme !== 'basic' && scheme !== 'bearer') return correctAuth(credential, ctx.input);
  const user = credential.username === undefined ? '' : ` with ${credential.username}`;
  return {
    ...asSent,
    header: asSent.header.replace(/^\S+/u, scheme === 'basic' ? 'Basic' : 'Bearer'),
    describe: scheme === 'basic' ? `Basic${user}` : 'Bearer',
  };
};

/** The one experiment the kind and the way it was sent call for, if any. */
const experimentFor = (
  credential: Credential,
  first: AuthAttempt,
  ctx: CheckContext,
): { change: Experiment['change']; auth: AuthAttempt } | undefined => {
  const kind = effectiveKind(credential);
  const correct = correctAuth(credential, ctx.input);
  const email = emailOf(ctx.input, credential);
  if (kind === 'api-token') {
    if (email === undefined) return undefined;
    if (first.header.startsWith('Bearer')) {
      const header = basicAuthorization(email, credential.secret);
      return {
        change: 'basic-email',
        auth: { ...correct, header, describe: `Basic with ${email}` },
      };
    }
    return first.describe.includes('@') ? undefined : { change: 'email', auth: correct };
  }
  if (kind === 'app-password' || kind === 'account-password') return undefined;
  if (!first.header.startsWith('Basic')) return undefined;
  return {
    change: 'bearer',
    auth: { ...correct, header: `Bearer ${credential.secret}`, describe: 'Bearer' },
  };
};

const LABEL: Record<Experiment['change'], (auth: AuthAttempt) => string> = {
  'basic-email': (auth) => `the same token as ${auth.describe}`,
  email: (auth) => `the same token with the email ${auth.describe.replace(/^Basic with /u, '')}`,
  bearer: () => 'the same token as Bearer',
};

export const gather = async (ctx: CheckContext): Promise<IdentityFacts> => {
  const url = `${ctx.input.apiUrl}${CLOUD_PATHS.currentUser}`;
  const base = {
    captured: false,
    url,
    authUrl: ctx.input.authUrl,
    date: ctx.now(),
    requestKnown: true,
  } as const;
  const send = (auth: AuthAttempt, label: string): Promise<HttpResult> =>
    ctx.http.request(
      url,
      {
        label: `identity: ${label}`,
        headers: { authorization: auth.header },
        secretKey: auth.secretKey,
      },
      ctx.signal,
    );
  if (ctx.input.credentials.length === 0) return { ...base, skip: 'no credentials were given.' };
  await afterGit(ctx);
  const credential = await credentialUnderTest(ctx);
  if ('skip' in credential) return { ...base, skip: credential.skip };
  // Not Bitbucket Cloud's host: what answered decides which requests may go (a Data Center
  // locks an account after 5 failed logins; contract.md, "Harmless to run on Data Center").
  if ((await productBeforeCredentials(ctx)) === 'data-center')
    return { ...base, product: 'data-center', dc: await gatherDc(ctx, credential) };
  const first = firstAttempt(credential, ctx);
  // Basic with no username cannot authenticate anyone: it is not sent (it would only cost a
  // failed answer); the judge says which username to add.
  if (parseAuthorization(first.header).basic?.username === '')
    return { ...base, noUsername: { kind: effectiveKind(credential), source: credential.source } };
  const result = await send(first, `GET ${CLOUD_PATHS.currentUser} (${first.describe})`);
  const product = await ctx.fact('product');
  const sent = {
    kind: effectiveKind(credential),
    scheme: first.header.startsWith('Basic') ? 'Basic' : 'Bearer',
    username: first.header.startsWith('Basic')
      ? parseAuthorization(first.header).basic?.username
      : undefined,
    describe: first.describe,
  };
  const facts = {
    ...base,
    product,
    sent,
    first,
    result,
    email: emailOf(ctx.input, credential),
  };
  // Only a refusal calls for an experiment: not an answer (200, or 403 from a valid credential that
  // is not a user), not the network, not a rate limit, not Data Center (its 401s read otherwise).
  const refused =
    result.status !== undefined &&
    ![200, 403, 429].includes(result.status) &&
    answerProblem(result) === undefined &&
    product !== 'data-center' &&
    // An answer that already names an app password or account password needs no experiment.
    !matchSignatures(result.exchange.response ?? { status: 0, headers: {}, body: '' }).some(
      (s) => s.code === 'APP_PASSWORD_REMOVED' || s.code === 'ACCOUNT_PASSWORD_REJECTED',
    );
  const planned = refused ? experimentFor(credential, first, ctx) : undefined;
  if (planned === undefined) return facts;
  const retry = await send(planned.auth, LABEL[planned.change](planned.auth));
  return { ...facts, experiment: { ...planned, result: retry } };
};
