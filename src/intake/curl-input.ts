import type { Redactor } from '../report/redactor.js';
import type { Credential, FailingRequest, GivenHeader } from '../types.js';
import { CREDENTIAL_HEADER, makeCredential } from './credentials.js';
import {
  lintCurl,
  parseCurl,
  splitCommandLine,
  toFailingRequest,
  CurlParseError,
  type CurlLint,
  type ParsedCurl,
} from './curl.js';
import { decodeComponent, SECRET_PARAM_RE, splitParams } from './curl-url.js';
import { UsageError } from './input.js';
import { readNetrc } from './netrc.js';

/** What a curl command adds to a run: the failing request, its headers and credentials, its lints. */
export interface CurlIntake {
  readonly original: string;
  readonly parsed: ParsedCurl;
  readonly lints: readonly CurlLint[];
  readonly failingRequest?: FailingRequest;
  readonly headers: readonly GivenHeader[];
  readonly credentials: readonly Credential[];
  readonly warnings: readonly string[];
}

/** The words of the curl command: after `--`, or `--curl` pasted whole. Undefined when neither. */
export const curlWords = (
  dashDash: readonly (string | number)[] | undefined,
  pasted: string | undefined,
): string[] | undefined => {
  const words = (dashDash ?? []).map(String);
  if (words.length > 0 && pasted !== undefined)
    throw new UsageError('Give the curl command either after -- or with --curl, not both.');
  if (pasted !== undefined) return splitCommandLine(pasted);
  if (words.length === 0) return undefined;
  if (words[0] !== 'curl')
    throw new UsageError(`Expected a curl command after --, got '${words[0] ?? ''}'.`);
  return words;
};

/** Registers every secret a curl command carries, before anything can print it. */
export const registerCurlSecrets = (parsed: ParsedCurl, redactor: Redactor): void => {
  if (parsed.user !== undefined) {
    redactor.addUsername(parsed.user.username);
    redactor.register(parsed.user.secret, [parsed.user.username]);
  }
  redactor.register(parsed.oauth2Bearer);
  for (const header of parsed.headers) {
    if (!CREDENTIAL_HEADER.test(header.name)) continue;
    redactor.register(header.value);
    redactor.register(header.value.replace(/^\S+\s+/u, ''));
  }
  const params = [
    ...(parsed.url?.includes('?') === true
      ? splitParams(parsed.url.slice(parsed.url.indexOf('?') + 1))
      : []),
    ...parsed.data.flatMap((d) => splitParams(d.value)),
  ];
  for (const param of params) {
    if (!SECRET_PARAM_RE.test(param.name)) continue;
    redactor.register(param.value);
    redactor.register(decodeComponent(param.value));
  }
  try {
    const url = new URL(parsed.url ?? '');
    if (url.password !== '') {
      redactor.register(decodeURIComponent(url.password), [decodeURIComponent(url.username)]);
      redactor.register(url.password);
    }
  } catch {
    // not an absolute URL: nothing to register
  }
};

/**
 * Reads a curl command as the user ran it: parsed like curl, secrets registered at once, linted,
 * and turned into the failing request and its credentials (with `-n`, from .netrc as curl would).
 */
export const intakeCurl = async (
  words: readonly string[],
  original: string,
  redactor: Redactor,
  env: Readonly<Record<string, string | undefined>>,
  apiUrl: string | undefined,
): Promise<CurlIntake> => {
  let parsed: ParsedCurl;
  try {
    parsed = parseCurl(words);
  } catch (error) {
    if (error instanceof CurlParseError) throw new UsageError(error.message);
    throw error;
  }
  registerCurlSecrets(parsed, redactor);
  if (parsed.url === undefined) throw new UsageError('The curl command has no URL.');
  const lints = lintCurl(parsed, apiUrl === undefined ? {} : { apiUrl });
  const warnings: string[] = [];
  let failingRequest = toFailingRequest(parsed);
  const credentials: Credential[] = [];
  if (failingRequest?.basic !== undefined) {
    const { username, secret, source } = failingRequest.basic;
    credentials.push(makeCredential('unknown', secret, source, username, 'curl:-u'));
  }
  // A token in the query string or the body is still the credential of the call, only in a place
  // Bitbucket stopped reading on 2026-05-04 (bitbucket-auth.md §1.5).
  const query = parsed.url.includes('?')
    ? splitParams(parsed.url.slice(parsed.url.indexOf('?') + 1))
    : [];
  for (const [where, params] of [
    ['url', query],
    ['-d', parsed.data.flatMap((d) => splitParams(d.value))],
  ] as const) {
    for (const param of params) {
      if (param.name === 'access_token' && param.value !== '')
        credentials.push(
          makeCredential(
            'access-token',
            decodeComponent(param.value),
            `curl:${where} access_token=`,
          ),
        );
    }
  }
  // curl -n / --netrc-file: the credentials come from the machine entry of the URL's host.
  if (parsed.netrc && failingRequest !== undefined && failingRequest.basic === undefined) {
    const host = new URL(failingRequest.url).hostname;
    const netrc = await readNetrc(parsed.netrcFile, env, host);
    const entry = netrc.entry;
    if (entry?.password !== undefined) {
      redactor.addUsername(entry.login);
      redactor.register(entry.password, [entry.login]);
      const source = `netrc:${netrc.file}`;
      failingRequest = {
        ...failingRequest,
        basic: { username: entry.login ?? '', secret: entry.password, source },
      };
      credentials.push(makeCredential('unknown', entry.password, source, entry.login, 'netrc'));
      if (netrc.worldReadable)
        warnings.push(
          `${netrc.file} is readable by other users (curl warns about this too): chmod 600 ${netrc.file}.`,
        );
    } else if (!parsed.netrcOptional) {
      warnings.push(
        `curl -n was given but ${netrc.file} has no entry for ${host}: the call went out without credentials.`,
      );
    }
  }
  const suspicious = parsed.ignored.filter((o) =>
    /^(?:-x|--proxy|-K|--config|--digest|--ntlm|--negotiate|-T|--upload-file)$/u.test(o),
  );
  if (suspicious.length > 0)
    warnings.push(
      `The curl command uses ${suspicious.join(', ')}, which bb-doctor does not replay.`,
    );
  return {
    original,
    parsed,
    lints,
    ...(failingRequest === undefined ? {} : { failingRequest }),
    headers: failingRequest?.headers ?? [],
    credentials,
    warnings,
  };
};
