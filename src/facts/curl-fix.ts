import { formatCurl, type ParsedCurl } from '../intake/curl.js';
import { STEP_OUTPUT } from '../intake/curl-input.js';
import { parseAuthorization } from '../intake/credentials.js';
import { correctedCurl } from '../rules/curl/index.js';
import type { CredentialKind, DoctorInput } from '../types.js';
import type { AuthAttempt } from './auth.js';

/** The environment variable a secret of this kind lives in (contract.md), for printed commands. */
export const PLACEHOLDER: Readonly<Record<CredentialKind, string>> = {
  'api-token': '$BITBUCKET_API_TOKEN',
  'app-password': '$BITBUCKET_APP_PASSWORD',
  'account-password': '$BITBUCKET_PASSWORD',
  'access-token': '$BITBUCKET_ACCESS_TOKEN',
  'refresh-token': '$BITBUCKET_REFRESH_TOKEN',
  'client-id': '$BITBUCKET_CLIENT_ID',
  'client-secret': '$BITBUCKET_CLIENT_SECRET',
  unknown: '$BITBUCKET_SECRET',
};

/** Every secret of the run → its placeholder, so a printed command never holds a value. */
export const placeholders = (input: DoctorInput, extra?: AuthAttempt): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const credential of input.credentials) {
    out[credential.raw] = PLACEHOLDER[credential.kind];
    out[credential.secret] = PLACEHOLDER[credential.kind];
  }
  if (extra !== undefined) out[extra.credential.secret] = PLACEHOLDER[extra.credential.kind];
  // A token a step of the command fetched (`<step-1-output>`): the access token it stands for.
  for (const header of input.failingRequest?.headers ?? [])
    for (const step of header.value.match(STEP_OUTPUT) ?? [])
      out[step] = PLACEHOLDER['access-token'];
  return out;
};

/**
 * The user's own curl command with every mechanical fix of the curl rules applied (the one
 * corrected version of it: the URL is `correctedUrl` of src/knowledge/api-versions.ts, the
 * Authorization header `correctedAuthorization` of header-lint.ts). Undefined without a curl
 * command. Holds secrets: print it with `formatCurl` and placeholders only.
 */
export const correctedParsedCurl = (input: DoctorInput): ParsedCurl | undefined =>
  input.curl === undefined
    ? undefined
    : correctedCurl(input.curl.parsed, { apiUrl: input.apiUrl, authUrl: input.authUrl });

/** `parsed` sending its credentials the way `auth` does (Basic as -u, anything else as a header). */
const withAuth = (parsed: ParsedCurl, auth: AuthAttempt, url?: string): ParsedCurl => {
  const { user: _user, oauth2Bearer: _bearer, netrcFile: _file, ...rest } = parsed;
  const headers = rest.headers.filter((h) => h.name.toLowerCase() !== 'authorization');
  const basic = parseAuthorization(auth.header).basic;
  return {
    ...rest,
    ...(url === undefined ? {} : { url }),
    netrc: false,
    netrcOptional: false,
    headers:
      basic === undefined ? [...headers, { name: 'Authorization', value: auth.header }] : headers,
    ...(basic === undefined ? {} : { user: { username: basic.username, secret: basic.secret } }),
  };
};

/**
 * The corrected command as printed, secrets as `$BITBUCKET_…` placeholders: the user's own curl
 * command with the curl rules' fixes, their other options (-s, -H Accept...) kept. With `auth`,
 * the credentials are sent the way that worked (identity's proof) instead of as given. Undefined
 * without a curl command. curl-command, api-version, header-casing and target-call all print this.
 */
export const correctedCommand = (input: DoctorInput, auth?: AuthAttempt): string | undefined => {
  const fixed = correctedParsedCurl(input);
  if (fixed === undefined) return undefined;
  const command = auth === undefined ? fixed : withAuth(fixed, auth);
  return formatCurl(command, { placeholders: placeholders(input, auth) });
};

/**
 * The corrected command sent to `url` with `auth` (kept for target-call). `url` is normally
 * `correctedUrl` of the failing call, i.e. the URL `correctedCommand` already has.
 */
export const correctedCurlCommand = (
  input: DoctorInput,
  url: string,
  auth: AuthAttempt,
): string | undefined => {
  const fixed = correctedParsedCurl(input);
  if (fixed === undefined) return undefined;
  return formatCurl(withAuth(fixed, auth, url), { placeholders: placeholders(input, auth) });
};
