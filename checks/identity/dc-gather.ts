/**
 * identity's live gathering on Data Center (data-center.ts says what it judges): one request with
 * the credential as sent, and a token refused in Basic replayed as Bearer (which locks nothing).
 */
import { asSentAuth } from '../../src/facts/auth.js';
import { parseAuthorization } from '../../src/intake/credentials.js';
import {
  BASIC_DISABLED_BODY,
  DC_APPLICATION_PROPERTIES,
  dcUserPath,
  detectDataCenter,
  isCloudSecret,
  isDcHttpToken,
} from '../../src/knowledge/data-center.js';
import type { CheckContext, Credential, HttpResult } from '../../src/types.js';
import type { DcIdentityFacts } from './data-center.js';

const shapeOf = (secret: string): DcIdentityFacts['shape'] =>
  isCloudSecret(secret) ? 'cloud' : isDcHttpToken(secret) ? 'dc-token' : 'other';

export const gatherDc = async (
  ctx: CheckContext,
  credential: Credential,
): Promise<DcIdentityFacts> => {
  const auth = asSentAuth(credential, ctx.input);
  const parsed = parseAuthorization(auth.header);
  const scheme = /^basic$/iu.test(parsed.scheme)
    ? 'Basic'
    : /^bearer$/iu.test(parsed.scheme)
      ? 'Bearer'
      : 'other';
  const username = parsed.basic?.username;
  const path =
    scheme === 'Basic' && username !== undefined && username !== ''
      ? dcUserPath(username)
      : DC_APPLICATION_PROPERTIES;
  const send = (header: string, label: string): Promise<HttpResult> =>
    ctx.http.request(
      `${ctx.input.apiUrl}${path}`,
      {
        label: `identity: ${label}`,
        headers: { authorization: header },
        secretKey: auth.secretKey,
      },
      ctx.signal,
    );
  const result = await send(auth.header, `GET ${path} (${auth.describe})`);
  const shape = shapeOf(credential.secret);
  const facts: DcIdentityFacts = {
    describe: auth.describe,
    scheme,
    ...(username === undefined ? {} : { username }),
    shape,
    result,
  };
  const dc = detectDataCenter(result.exchange.response ?? { status: 0, headers: {}, body: '' });
  const refusedBasic =
    scheme === 'Basic' && result.status === 401 && dc.authenticatedAs === undefined && !dc.captcha;
  const basicOff =
    scheme === 'Basic' && result.status === 403 && BASIC_DISABLED_BODY.test(result.body);
  if (shape !== 'dc-token' || !(refusedBasic || basicOff)) return facts;
  // A token is a Bearer credential on Data Center: the replay proves which it is.
  const bearer = await ctx.http.request(
    `${ctx.input.apiUrl}${DC_APPLICATION_PROPERTIES}`,
    {
      label: 'identity: the same token as Bearer',
      headers: { authorization: `Bearer ${credential.secret}` },
      secretKey: auth.secretKey,
    },
    ctx.signal,
  );
  return { ...facts, bearer };
};
