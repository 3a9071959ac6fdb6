import { correctCurl, formatCurl } from '../intake/curl.js';
import { parseAuthorization } from '../intake/credentials.js';
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
  return out;
};

/**
 * The user's own curl command, corrected: the mechanical fixes of its lints, the URL that
 * worked, and the credentials sent the way that worked. Their other options (-s, -H Accept...)
 * stay. Secrets are printed as `$BITBUCKET_…` placeholders.
 */
export const correctedCurlCommand = (
  input: DoctorInput,
  url: string,
  auth: AuthAttempt,
): string | undefined => {
  if (input.curl === undefined) return undefined;
  const fixed = correctCurl(input.curl.parsed, input.curl.lints);
  const { user: _user, oauth2Bearer: _bearer, ...rest } = fixed;
  const headers = rest.headers.filter((h) => h.name.toLowerCase() !== 'authorization');
  const basic = parseAuthorization(auth.header).basic;
  const command = {
    ...rest,
    url,
    netrc: false,
    netrcOptional: false,
    headers:
      basic === undefined ? [...headers, { name: 'Authorization', value: auth.header }] : headers,
    ...(basic === undefined ? {} : { user: { username: basic.username, secret: basic.secret } }),
  };
  const { netrcFile: _file, ...withoutNetrc } = command;
  return formatCurl(withoutNetrc, { placeholders: placeholders(input, auth) });
};
