/**
 * Rules about the body and the method (bitbucket-auth.md § refs): an access token in the body,
 * the token endpoint's removed password grant and its consumer credentials, and a write request
 * that the doctor will not replay.
 */
import type { ParsedCurl } from '../../intake/curl-parse.js';
import { GRANTS, OAUTH_PARAMS, SCHEMES, SEND_AS } from '../../knowledge/wire.js';
import { addBearer, edited, field, isAuthorization, takeFields } from './context.js';
import type { CurlRule } from './types.js';
import { day } from '../../knowledge/timeline.js';

/** §1.5 [H]: since 2026-05-04 "access tokens may no longer be sent as a query parameter or in the POST body". */
const accessTokenInBody: CurlRule = {
  id: 'access-token-in-body',
  code: 'SECRET_IN_URL',
  severity: 'fail',
  detect({ parsed, fields }) {
    const inFields = fields.some((f) => f.name.toLowerCase() === OAUTH_PARAMS.accessToken);
    const inJson = parsed.data.some(
      (d) =>
        d.flag === '--json' && new RegExp(`"${OAUTH_PARAMS.accessToken}"\\s*:`, 'u').test(d.value),
    );
    if (!inFields && !inJson) return [];
    const location = parsed.get ? 'query' : 'body';
    return [
      {
        message: `The access token is sent ${location === 'query' ? 'in the query string (-G moves the data there)' : `in the POST body (${OAUTH_PARAMS.accessToken}=)`}: Bitbucket rejects tokens in the query string or the POST body since ${day('oauth-changes-enforced')}; only Authorization: ${SCHEMES.bearer} is accepted (§1.5).`,
        hint: `Send it as ${SEND_AS.bearer} and remove ${OAUTH_PARAMS.accessToken} from the data.`,
        fixable: inFields,
        data: { location, param: OAUTH_PARAMS.accessToken },
      },
    ];
  },
  fix: (parsed) =>
    edited(parsed, (out) => {
      const taken = takeFields(out, [OAUTH_PARAMS.accessToken]);
      addBearer(out, taken[OAUTH_PARAMS.accessToken]);
    }),
};

/** §1.2 [H]: the password grant went with account passwords on 2022-03-01. */
const passwordGrant: CurlRule = {
  id: 'password-grant',
  code: 'PASSWORD_GRANT_REMOVED',
  severity: 'fail',
  detect: (context) =>
    context.tokenEndpoint && field(context, OAUTH_PARAMS.grantType) === GRANTS.password
      ? [
          {
            message: `The password grant (${OAUTH_PARAMS.grantType}=${GRANTS.password}) was removed with account passwords on ${day('account-passwords-rejected')} (§1.2).`,
            hint: `Use an API token, an access token, or the ${GRANTS.clientCredentials} / ${GRANTS.authorizationCode} grant.`,
            fixable: false,
            data: { grant: GRANTS.password },
          },
        ]
      : [],
};

const hasBasic = (parsed: ParsedCurl): boolean =>
  parsed.user !== undefined ||
  parsed.netrc ||
  parsed.headers.some(
    (h) => isAuthorization(h) && new RegExp(`^${SCHEMES.basic}\\s`, 'iu').test(h.value),
  );

/**
 * §1.3 [H], §1.6 [M]: the token endpoint wants the consumer as HTTP Basic ("Requests must be
 * authenticated using OAuth client credentials"), not in the body and not as Bearer.
 */
const consumerNotBasic: CurlRule = {
  id: 'consumer-not-basic',
  code: 'CONSUMER_INVALID',
  severity: 'fail',
  detect(context) {
    const { parsed } = context;
    if (!context.tokenEndpoint || field(context, OAUTH_PARAMS.grantType) === GRANTS.jwt) return [];
    const idInBody = field(context, OAUTH_PARAMS.clientId);
    const secretInBody = field(context, OAUTH_PARAMS.clientSecret);
    if (hasBasic(parsed) && secretInBody === undefined) return [];
    const bearer = parsed.headers.some(
      (h) => isAuthorization(h) && new RegExp(`^${SCHEMES.bearer}\\s`, 'iu').test(h.value),
    );
    return [
      {
        message: bearer
          ? `The token endpoint takes the OAuth consumer as ${SCHEMES.basic} (${OAUTH_PARAMS.clientId}:secret), not as ${SCHEMES.bearer} (§1.3).`
          : secretInBody !== undefined
            ? `The consumer secret is in the body: Bitbucket wants ${OAUTH_PARAMS.clientId}:secret as HTTP ${SCHEMES.basic} ("Requests must be authenticated using OAuth client credentials", §1.3, §1.6).`
            : 'The token endpoint needs the OAuth consumer as HTTP Basic, and the command sends none ("Requests must be authenticated using OAuth client credentials", §1.6).',
        hint: `Add ${SEND_AS.consumer}.`,
        fixable: idInBody !== undefined && secretInBody !== undefined && parsed.user === undefined,
        data: { location: secretInBody === undefined ? 'none' : 'body' },
      },
    ];
  },
  fix: (parsed) =>
    edited(parsed, (out) => {
      if (out.user !== undefined) return;
      const taken = takeFields(out, [OAUTH_PARAMS.clientId, OAUTH_PARAMS.clientSecret]);
      const id = taken[OAUTH_PARAMS.clientId];
      const secret = taken[OAUTH_PARAMS.clientSecret];
      if (id !== undefined && secret !== undefined) out.user = { username: id, secret };
    }),
};

/** A note, not a finding: the doctor is read-only (contract.md, target-call). */
const writeMethod: CurlRule = {
  id: 'write-method-not-replayed',
  code: 'WRITE_METHOD_NOT_REPLAYED',
  severity: 'note',
  detect({ parsed }) {
    const method = parsed.method;
    const upper = method.toUpperCase();
    if (upper === 'GET' || upper === 'HEAD') return [];
    return [
      {
        message: `This is a ${method} request: the doctor replays only read-only requests (GET, HEAD), so it will not send it; it proves the credentials with GET requests instead.${method === upper ? '' : ` Note that curl sends the method exactly as typed ("${method}"), and HTTP methods are case-sensitive.`}`,
        fixable: false,
        data: { method },
      },
    ];
  },
};

export const BODY_RULES: readonly CurlRule[] = [
  accessTokenInBody,
  passwordGrant,
  consumerNotBasic,
  writeMethod,
];
