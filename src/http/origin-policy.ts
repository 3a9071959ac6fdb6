import { CLOUD_HOSTS, WEBSITE_HOSTS } from '../knowledge/hosts.js';
import { isCredentialHeader } from '../knowledge/wire.js';
import type { Credential, CredentialKind, DoctorInput } from '../types.js';

/**
 * Where each credential may go (contract.md, "Secrets", which hosts). The one HTTP client asks
 * this before a request that carries a credential leaves the machine, so no check can send a
 * secret somewhere it was not meant for, however it builds its request.
 *
 * - `command`: the user's own command carried it (a pasted curl's -u, -H, access_token=): it goes
 *   back only to the origin that command sent it to, as curl itself would.
 * - `stored`: .netrc or a git credential helper stored it for one host: it goes only there
 *   (bitbucket.org and api.bitbucket.org count as one site, as git and Bitbucket treat them).
 * - `given`: a flag or an environment variable: the Bitbucket Cloud hosts, an origin the user named
 *   with --api-url/--auth-url, or the host of the pasted command or --url once it has answered like
 *   Bitbucket without credentials (an environment token never follows a URL to just any host).
 */
export type CredentialScope =
  | { readonly kind: 'command'; readonly origin: string }
  | { readonly kind: 'stored'; readonly host: string }
  | { readonly kind: 'given'; readonly from: 'a flag' | 'the environment' };

/** A credential as the client polices it: the secret to recognise, the facts to report. */
export interface GuardedCredential {
  readonly secret: string;
  readonly kind: CredentialKind;
  readonly source: string;
  /** As in the report's credentials[] (never the secret). */
  readonly fingerprint: string | null;
  readonly scope: CredentialScope;
}

export interface OriginPolicy {
  readonly credentials: readonly GuardedCredential[];
  /** Origins given with --api-url / --auth-url: flag and environment credentials may go there. */
  readonly explicit: readonly string[];
  /** The pasted command's and --url's origins: allowed to `given` credentials once they answer like Bitbucket. */
  readonly probed: readonly string[];
}

/** A credential not sent to an origin, and why: the report's `withheld[]`. */
export interface Withheld {
  readonly kind: CredentialKind;
  readonly source: string;
  readonly fingerprint: string | null;
  readonly origin: string;
  readonly reason: string;
}

/** A URL's origin, '' when it does not parse. */
export const originOf = (url: string): string => {
  try {
    return new URL(url).origin;
  } catch {
    return '';
  }
};

/** A URL's host name (lower case), '' when it does not parse. */
export const hostOf = (origin: string): string => {
  try {
    return new URL(origin).hostname.toLowerCase();
  } catch {
    return '';
  }
};

/** The Cloud site: the API host and the website's names, one owner (contract.md). */
const CLOUD_SITE: ReadonlySet<string> = new Set([CLOUD_HOSTS.api, ...WEBSITE_HOSTS]);

/** The Bitbucket Cloud hosts, over https only (plain http is refused by the client anyway). */
export const isCloudOrigin = (origin: string): boolean =>
  origin.startsWith('https://') && CLOUD_SITE.has(hostOf(origin)) && !/:\d+$/u.test(origin);

const sameSite = (a: string, b: string): boolean =>
  a === b || (CLOUD_SITE.has(a) && CLOUD_SITE.has(b));

const COMMAND_SOURCE = /^curl:|\(curl:/u;
const STORED_SOURCE = /^(?:netrc|git-credential):/u;

/** Which scope a credential of this run has, by where it came from. */
export const scopeOf = (credential: Credential, input: DoctorInput): CredentialScope => {
  // A step's credential (the consumer of a token fetch in a substitution) went to its own origin.
  if (credential.sentTo !== undefined) return { kind: 'command', origin: credential.sentTo };
  const command = input.failingRequest?.source === 'curl' ? input.failingRequest.url : undefined;
  if (COMMAND_SOURCE.test(credential.source) && command !== undefined)
    return { kind: 'command', origin: originOf(command) };
  if (STORED_SOURCE.test(credential.source))
    return { kind: 'stored', host: (credential.storedFor ?? hostOf(input.apiUrl)).toLowerCase() };
  return {
    kind: 'given',
    from: credential.source.startsWith('env:') ? 'the environment' : 'a flag',
  };
};

/** The run's policy, from its input (`fingerprintOf` is the report's, so both show the same). */
export const originPolicy = (
  input: DoctorInput,
  explicit: readonly string[],
  fingerprintOf: (credential: Credential) => string | null,
): OriginPolicy => ({
  credentials: input.credentials
    .filter((c) => c.secret !== '')
    .map((c) => ({
      secret: c.secret,
      kind: c.kind,
      source: c.source,
      fingerprint: fingerprintOf(c),
      scope: scopeOf(c, input),
    })),
  explicit: explicit.map(originOf).filter((o) => o !== ''),
  probed: [input.failingRequest?.url, input.url]
    .filter((u): u is string => u !== undefined)
    .map(originOf)
    .filter((o) => o !== ''),
});

/** Whether one header value carries the secret: as the value, after a scheme, or in a Basic pair. */
const valueCarries = (value: string, secret: string): boolean => {
  const trimmed = value.trim();
  if (trimmed === secret || trimmed.split(/\s+/u).slice(1).join(' ') === secret) return true;
  const basic = /^basic\s+(\S+)$/iu.exec(trimmed);
  if (basic !== null) {
    const pair = Buffer.from(basic[1] ?? '', 'base64').toString('utf8');
    const colon = pair.indexOf(':');
    if (colon > -1 && (pair.slice(colon + 1) === secret || pair.slice(0, colon) === secret))
      return true;
  }
  // A cookie or a composite value: a substring, only for secrets long enough not to be a word.
  return secret.length >= 8 && value.includes(secret);
};

/** The run's credentials a request carries, in a credential-bearing header or a form field. */
export const carriedBy = (
  policy: OriginPolicy | undefined,
  headers: Readonly<Record<string, string>>,
  form: Readonly<Record<string, string>> | undefined,
): GuardedCredential[] => {
  if (policy === undefined) return [];
  const values = Object.entries(headers)
    .filter(([name]) => isCredentialHeader(name))
    .map(([, value]) => value);
  const fields = Object.values(form ?? {});
  return policy.credentials.filter(
    (c) => values.some((v) => valueCarries(v, c.secret)) || fields.includes(c.secret),
  );
};

/**
 * Why `credential` may not go to `origin`, or undefined when it may. `answered` says whether the
 * origin answered like Bitbucket without credentials (only asked for a probed origin).
 */
export const refusalOf = async (
  policy: OriginPolicy,
  credential: GuardedCredential,
  origin: string,
  answered: (origin: string) => Promise<boolean>,
): Promise<string | undefined> => {
  const host = hostOf(origin);
  const { scope } = credential;
  switch (scope.kind) {
    case 'command':
      // Bitbucket Cloud's website and API hosts are one owner: a call pasted against
      // bitbucket.org/2.0/... (WRONG_HOST) is proven by the same call on api.bitbucket.org.
      return origin === scope.origin || (isCloudOrigin(origin) && isCloudOrigin(scope.origin))
        ? undefined
        : `your command sent it to ${scope.origin}, not to ${origin}`;
    case 'stored':
      return sameSite(host, scope.host) ? undefined : `stored for ${scope.host}`;
    case 'given': {
      if (isCloudOrigin(origin) || policy.explicit.includes(origin)) return undefined;
      if (!policy.probed.includes(origin))
        return `from ${scope.from}; ${host} is no Bitbucket Cloud host and was not given with --api-url/--auth-url`;
      return (await answered(origin))
        ? undefined
        : `from ${scope.from}; ${host} did not answer like Bitbucket without credentials`;
    }
  }
};
