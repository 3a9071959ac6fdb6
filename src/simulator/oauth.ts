// The OAuth 2 token endpoint, `POST /site/oauth2/access_token` (bitbucket-auth.md §1). On the real
// service it lives on bitbucket.org while the API is on api.bitbucket.org (§1.1); the simulator serves
// both on one origin, and bb-doctor is pointed at it with `--api-url` and `--auth-url`.

import type { Consumer, Credential, OAuthGrant, World } from './world.js';
import { findConsumer } from './world.js';
import type { Reply } from './wire.js';
import { htmlReply, jsonReply } from './wire.js';

export const TOKEN_PATH = '/site/oauth2/access_token';

/** bitbucket-auth.md §1.5 [H]: access tokens live 7200 s (2 h); old docs still say 3600. */
export const ACCESS_TOKEN_LIFETIME_S = 7200;

export interface TokenEndpointContext {
  /** Mutable: issued tokens are added, used refresh tokens and codes are removed. */
  world: World;
  now: number;
  /** Label for the next issued access token, e.g. `tok#1`. */
  nextTokenLabel: () => string;
  /** A fresh random secret (base64url) of about `bytes` bytes of entropy. */
  randomSecret: (bytes: number) => string;
}

export interface TokenEndpointResult {
  reply: Reply;
  /** Log description, never a secret. */
  describe: string;
  statsKey: string;
  /** True when no token was issued because a credential or request was rejected. */
  rejected: boolean;
}

/** RFC 6749-style error body as Bitbucket writes it: `{"error_description", "error"}` (bitbucket-auth.md §1.6). */
function oauthError(status: number, error: string, description: string): Reply {
  return jsonReply(status, { error_description: description, error });
}

export function handleTokenRequest(
  ctx: TokenEndpointContext,
  method: string,
  authorization: string | undefined,
  body: string,
): TokenEndpointResult {
  const result = (
    reply: Reply,
    describe: string,
    statsKey: string,
    rejected = reply.status >= 400,
  ): TokenEndpointResult => ({ reply, describe, statsKey, rejected });

  if (method !== 'POST') {
    // Only POST is documented (bitbucket-auth.md §1.1); what other methods get is [U]. CHOSEN 405.
    return result(oauthError(405, 'invalid_request', 'Method not allowed'), 'none', 'anonymous');
  }

  const header = authorization ?? '';
  if (header.startsWith('Bearer ')) {
    // bitbucket-auth.md §1.3 [H] (community.developer.atlassian.com/t/unexpected-html-response-from-oauth2-access-token-endpoint/22038):
    // client credentials sent as Bearer got an HTML page ("OpenID transaction in progress") instead of
    // JSON. The status was not captured [U]: CHOSEN 200 text/html, which is what makes it confusing.
    return result(
      htmlReply(
        200,
        '<!DOCTYPE html>\n<html><head><title>OpenID transaction in progress</title></head>\n' +
          '<body onload="document.forms[0].submit()"><form method="post" action="https://id.atlassian.com/login">' +
          '<input type="hidden" name="continue" value="/site/oauth2/access_token"></form></body></html>\n',
      ),
      'Bearer(at token endpoint)',
      'unknown',
      true,
    );
  }
  if (!header.startsWith('Basic ')) {
    // bitbucket-auth.md §1.3/§1.6 [M] (p2/OAuth2 #96): no client auth, client creds in the body only,
    // or another scheme (`basic`, `JWT`...). Status not captured [U]: CHOSEN 401.
    const describe = header === '' ? 'none' : 'not-Basic(ignored)';
    return result(
      oauthError(
        401,
        'unauthorized_client',
        'Requests must be authenticated using OAuth client credentials',
      ),
      describe,
      'anonymous',
    );
  }

  const client = decodeClient(header.slice('Basic '.length));
  const consumer = client ? findConsumer(ctx.world, client.id) : undefined;
  if (!client || consumer?.secret !== client.secret) {
    // bitbucket-auth.md §1.6 [M] (gist ericchiang/6e82e497ec45ea2aedbf): 400 "Invalid OAuth client credentials".
    return result(
      oauthError(400, 'unauthorized_client', 'Invalid OAuth client credentials'),
      `Basic(consumer ${consumer ? consumer.label : '?'}, bad secret)`,
      consumer ? `consumer:${consumer.label}` : 'unknown',
    );
  }
  const describe = `Basic(consumer ${consumer.label})`;
  const statsKey = `consumer:${consumer.label}`;

  if (consumer.callbackUrl === null) {
    // bitbucket-auth.md §1.3, §1.6 [M] (composer/composer PR #5335; jonhadfield/soba #50): a consumer
    // needs a callback URL even for client_credentials. CHOSEN: checked for every grant, before the
    // grant-specific checks (the order against "public consumer" is [U]).
    return result(
      oauthError(400, 'invalid_request', 'No callback uri defined for the OAuth client.'),
      describe,
      statsKey,
    );
  }

  // bitbucket-auth.md §1.3 [H]: the body is application/x-www-form-urlencoded. Any other body simply
  // has no `grant_type` field.
  const form = new URLSearchParams(body);
  const grant = form.get('grant_type') ?? '';

  switch (grant) {
    case 'client_credentials':
      if (!consumer.isPrivate) {
        // bitbucket-auth.md §1.6 [M] (composer/composer PR #10678; jenkinsci/bitbucket-build-status-notifier-plugin PR #47).
        return result(
          oauthError(
            400,
            'invalid_grant',
            'Cannot use client_credentials with a consumer marked as "public". Calls for auto generated consumers should use urn:bitbucket:oauth2:jwt instead.',
          ),
          describe,
          statsKey,
        );
      }
      // bitbucket-auth.md §1.2 [H]: the token "represents not an end user, but the owner of the
      // client/consumer"; §1.5 (2026-05-04): no refresh token for client_credentials.
      return result(issue(ctx, consumer, consumer.owner, grant, false), describe, statsKey);

    case 'refresh_token': {
      const presented = form.get('refresh_token') ?? '';
      const index = ctx.world.credentials.findIndex(
        (cred) =>
          cred.kind === 'refresh-token' &&
          cred.secret === presented &&
          cred.consumer === consumer.key,
      );
      const stored = ctx.world.credentials[index];
      if (stored?.kind !== 'refresh-token') {
        // bitbucket-auth.md §1.6 [M] (community qaq-p/1545002): "Invalid refresh_token"; status not captured [U], CHOSEN 400.
        return result(
          oauthError(400, 'invalid_request', 'Invalid refresh_token'),
          describe,
          statsKey,
        );
      }
      // bitbucket-auth.md §1.5 [H] (community.developer 99003): refresh tokens ROTATE since 2026-05-04;
      // the used one is gone, and using it again gets "Invalid refresh_token" (§9 item 11).
      ctx.world.credentials.splice(index, 1);
      return result(issue(ctx, consumer, stored.account, grant, true), describe, statsKey);
    }

    case 'authorization_code': {
      const code = form.get('code') ?? '';
      const index = ctx.world.credentials.findIndex(
        (cred) =>
          cred.kind === 'auth-code' && cred.secret === code && cred.consumer === consumer.key,
      );
      const stored = ctx.world.credentials[index];
      if (stored?.kind !== 'auth-code') {
        // The error for a bad or reused code is not in the dossier [U]: CHOSEN 400 invalid_grant.
        return result(
          oauthError(400, 'invalid_grant', 'The authorization code is invalid or has expired.'),
          describe,
          statsKey,
        );
      }
      ctx.world.credentials.splice(index, 1);
      return result(issue(ctx, consumer, stored.account, grant, true), describe, statsKey);
    }

    case 'password':
      // bitbucket-auth.md §1.2 [H]: "Resource Owner Password Credentials Grant (4.3) is no longer
      // supported" (removed with account passwords on 2022-03-01). The current error is [U] (§1.6,
      // §11): CHOSEN 400 with Bitbucket's own "Unsupported grant type" wording and `invalid_grant`,
      // as in the observed `Unsupported grant type: None` answer.
      return result(
        oauthError(400, 'invalid_grant', 'Unsupported grant type: password'),
        describe,
        statsKey,
      );

    default:
      // bitbucket-auth.md §1.6 [M] (bitbucket.org/site/master/issues/16249): missing or garbled
      // grant_type → "Unsupported grant type: None"; status not captured [U], CHOSEN 400. The JWT grant
      // of Connect apps (`urn:bitbucket:oauth2:jwt`, §1.2) is not modelled and lands here too.
      return result(
        oauthError(400, 'invalid_grant', 'Unsupported grant type: None'),
        describe,
        statsKey,
      );
  }
}

function decodeClient(value: string): { id: string; secret: string } | null {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value)) return null;
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon === -1 ? null : { id: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}

/**
 * A successful token response in the 2026 shape (bitbucket-auth.md §1.4 [H]/[M]):
 * `{"access_token", "scope" (space-separated; "scope" instead of "scopes" from 2026-05-04),
 *   "expires_in": 7200, "refresh_token" (not for client_credentials), "token_type": "bearer"
 *   (lower case, every observed response), "state": "<grant>"}`.
 * `state` echoing the grant is [M] for authorization_code/refresh_token and [U] for client_credentials.
 */
function issue(
  ctx: TokenEndpointContext,
  consumer: Consumer,
  account: string,
  grant: OAuthGrant,
  withRefreshToken: boolean,
): Reply {
  const label = ctx.nextTokenLabel();
  const accessToken: Credential = {
    kind: 'oauth-token',
    label,
    secret: ctx.randomSecret(72),
    consumer: consumer.key,
    account,
    grant,
    scopes: [...consumer.scopes],
    expiresAt: ctx.now + ACCESS_TOKEN_LIFETIME_S * 1000,
  };
  ctx.world.credentials.push(accessToken);
  const body: Record<string, unknown> = {
    access_token: accessToken.secret,
    scope: consumer.scopes.join(' '),
    expires_in: ACCESS_TOKEN_LIFETIME_S,
  };
  if (withRefreshToken) {
    const refresh: Credential = {
      kind: 'refresh-token',
      label: `${label}-refresh`,
      secret: ctx.randomSecret(24),
      consumer: consumer.key,
      account,
    };
    ctx.world.credentials.push(refresh);
    body['refresh_token'] = refresh.secret;
  }
  body['token_type'] = 'bearer';
  body['state'] = grant;
  return jsonReply(200, body);
}
