/** identity's words: who a 200 says we are, the facts of an answer, Bitbucket's own message. */
import { clipWords } from '../../src/knowledge/clip.js';
import { CREDENTIAL_HEADERS } from '../../src/knowledge/headers.js';
import { alternativesFor as candidates } from '../../src/knowledge/rejections.js';
import type { FindingCode, HttpResult } from '../../src/types.js';
import type { SentCredential } from './judge.js';

/** Who a 200 from /2.0/user says we are. */
export const who = (result: HttpResult): string => {
  const body = result.json() as Record<string, unknown> | undefined;
  const name =
    body?.['username'] ?? body?.['nickname'] ?? body?.['display_name'] ?? body?.['account_id'];
  return typeof name === 'string' ? name : 'an account';
};

export const facts = (result: HttpResult): Record<string, unknown> => {
  const body = result.json() as Record<string, unknown> | undefined;
  return {
    status: result.status,
    credentialType: result.header(CREDENTIAL_HEADERS.credentialType),
    scopes: result.header(CREDENTIAL_HEADERS.grantedScopes),
    ...(result.status === 200 && body !== undefined
      ? {
          username: body['username'],
          displayName: body['display_name'],
          accountId: body['account_id'],
        }
      : {}),
  };
};

/** The status and Bitbucket's message, clipped. */
export const said = (result: HttpResult): string => {
  const first = result.body.trim().split('\n')[0] ?? '';
  const json = result.json() as { error?: { message?: unknown } } | undefined;
  const message = typeof json?.error?.message === 'string' ? json.error.message : first;
  return message === ''
    ? `${result.status ?? '?'}`
    : `${result.status ?? '?'} "${clipWords(message, 140)}"`;
};

/** What the sent credential rules out: a known kind leaves only its own mistakes. */
const RULED_OUT_BY_KIND: Partial<Record<string, readonly FindingCode[]>> = {
  'api-token': ['APP_PASSWORD_REMOVED', 'ACCOUNT_PASSWORD_REJECTED', 'ACCESS_TOKEN_AS_BASIC'],
  'app-password': ['API_TOKEN_NEEDS_EMAIL', 'ACCOUNT_PASSWORD_REJECTED', 'ACCESS_TOKEN_AS_BASIC'],
};

/** data.alternatives: the candidates, likeliest first, as JSON-friendly rows. */
export const alternativesFor = (
  likeliest: FindingCode | undefined,
  sent?: SentCredential,
): { code: FindingCode; cause: string; tell: string }[] =>
  candidates(likeliest, [
    ...(RULED_OUT_BY_KIND[sent?.kind ?? ''] ?? []),
    ...(sent?.username?.includes('@') === true ? (['API_TOKEN_NEEDS_EMAIL'] as const) : []),
  ]).map(({ code, cause, tell }) => ({ code, cause, tell }));
