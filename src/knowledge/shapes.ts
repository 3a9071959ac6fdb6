import type { CredentialKind } from '../types.js';

/**
 * Secret shapes (bitbucket-auth.md §4.2: API tokens "start with ATAT"/"ATATT3x" [L]; anchors.md §5:
 * app passwords "ATBB…" [L]). Repository/project/workspace access tokens start with "ATCTT" in
 * every token Atlassian shows in its access-token docs' screenshots; no text states it, so it is
 * only a hint [L]. A shape never overrides what the user said; it adds a note when they disagree.
 */
export const SECRET_SHAPES: readonly {
  readonly prefix: RegExp;
  readonly kind: CredentialKind;
  readonly label: string;
}[] = [
  { prefix: /^ATATT/u, kind: 'api-token', label: 'API token (ATATT prefix)' },
  { prefix: /^ATBB/u, kind: 'app-password', label: 'app password (ATBB prefix)' },
  {
    prefix: /^ATCTT/u,
    kind: 'access-token',
    label: 'repository/project/workspace access token (ATCTT prefix)',
  },
];

/**
 * The fixed git usernames (bitbucket-auth.md §2.3, §12.1): access tokens go to git as Basic with
 * `x-token-auth`; API tokens may use `x-bitbucket-api-token-auth` instead of the username. Neither
 * is a person: the redactor never treats them as a user to hide.
 */
export const GIT_ACCESS_TOKEN_USER = 'x-token-auth';
export const GIT_API_TOKEN_USER = 'x-bitbucket-api-token-auth';

/** A kind as a report names it, with the shape that tells it (SECRET_SHAPES). */
export const KIND_WITH_SHAPE = {
  'api-token': 'an API token (ATATT…)',
  'app-password': 'an app password (ATBB…)',
  'access-token': 'an access token',
} as const;

/**
 * Kinds Bitbucket generates, never typed by a person: API tokens (~190 characters), app passwords
 * (ATBB + 32), access tokens, consumer secrets (32) and refresh tokens are all far longer than 8
 * characters (§4.2, §1.4), so a shorter one is a placeholder. Passwords are people's (Data Center
 * allows short ones, §8), so they are not in the list.
 */
export const GENERATED_KINDS: readonly CredentialKind[] = [
  'api-token',
  'app-password',
  'access-token',
  'client-secret',
  'refresh-token',
];
