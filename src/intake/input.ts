import { withoutRestRoot } from '../knowledge/data-center.js';
import type {
  Credential,
  CredentialKind,
  DoctorInput,
  FailingRequest,
  GivenHeader,
} from '../types.js';
import { CREDENTIAL_HEADER, makeCredential, parseAuthorization } from './credentials.js';
import { CLOUD_URLS } from '../knowledge/docs.js';
import { DATA_CENTER_REST, WEBSITE_HOSTS } from '../knowledge/hosts.js';
import { targetFromPath } from '../knowledge/paths.js';
import { quoted } from './quote.js';

export const DEFAULT_API_URL: string = CLOUD_URLS.apiBase;
export const DEFAULT_AUTH_URL: string = CLOUD_URLS.authBase;

/** A run's options as the CLI parsed them (contract.md, "Options of a run"). */
export interface RunArgs {
  readonly apiUrl?: string | undefined;
  readonly authUrl?: string | undefined;
  readonly workspace?: string | undefined;
  readonly repo?: string | undefined;
  readonly url?: string | undefined;
  readonly username?: string | undefined;
  readonly email?: string | undefined;
  readonly apiToken?: string | undefined;
  readonly appPassword?: string | undefined;
  readonly password?: string | undefined;
  readonly accessToken?: string | undefined;
  readonly clientId?: string | undefined;
  readonly clientSecret?: string | undefined;
  readonly refreshToken?: string | undefined;
  readonly header?: readonly string[] | undefined;
  /** --use-refresh-token: a refresh token rotates when used, so spending it needs this flag. */
  readonly useRefreshToken?: boolean | undefined;
}

/**
 * The source of a credential a pasted command took from an exported variable:
 * `env:NAME (expanded in your curl command)` (curl-input.ts writes it, buildInput reads it).
 */
const EXPANDED = ' (expanded in your curl command)';
export const expandedSource = (variable: string): string => `env:${variable}${EXPANDED}`;

/** A problem with what the user typed: exit 2, one line. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Each secret option, its environment variable (contract.md) and the kind it claims. */
export const SECRET_OPTIONS: readonly {
  key: keyof RunArgs;
  flag: string;
  env: string;
  kind: CredentialKind;
}[] = [
  { key: 'apiToken', flag: '--api-token', env: 'BITBUCKET_API_TOKEN', kind: 'api-token' },
  {
    key: 'appPassword',
    flag: '--app-password',
    env: 'BITBUCKET_APP_PASSWORD',
    kind: 'app-password',
  },
  { key: 'password', flag: '--password', env: 'BITBUCKET_PASSWORD', kind: 'account-password' },
  {
    key: 'accessToken',
    flag: '--access-token',
    env: 'BITBUCKET_ACCESS_TOKEN',
    kind: 'access-token',
  },
  { key: 'clientId', flag: '--client-id', env: 'BITBUCKET_CLIENT_ID', kind: 'client-id' },
  {
    key: 'clientSecret',
    flag: '--client-secret',
    env: 'BITBUCKET_CLIENT_SECRET',
    kind: 'client-secret',
  },
  {
    key: 'refreshToken',
    flag: '--refresh-token',
    env: 'BITBUCKET_REFRESH_TOKEN',
    kind: 'refresh-token',
  },
];

const checkUrl = (value: string, flag: string): string => {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(
      `${flag} expects an absolute URL such as ${CLOUD_URLS.apiBase}, got ${quoted(value)}.`,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new UsageError(`${flag} expects an http(s) URL, got '${url.protocol}'.`);
  }
  return value;
};

const stripSlash = (url: string): string => url.replace(/\/+$/u, '');

export { targetFromPath };

/**
 * The REST API base of a run: `--api-url`, else `BITBUCKET_API_URL` (the flag wins), else the
 * origin of the failing call's URL when that is not the website host (a simulator, a proxy; the
 * website host is the WRONG_HOST finding, §1.1), else Bitbucket Cloud's. `named` when the user
 * named it (flag or variable): only then is it trusted before it answers like Bitbucket.
 */
export const apiBaseOf = (
  args: { readonly apiUrl?: string | undefined },
  env: Readonly<Record<string, string | undefined>>,
  url?: string,
): { readonly apiUrl: string; readonly named: boolean } => {
  // A Data Center base may be given with its REST root (…/rest/api/1.0): the base is before it.
  const base = (text: string): string => stripSlash(withoutRestRoot(stripSlash(text)));
  if (args.apiUrl !== undefined)
    return { apiUrl: base(checkUrl(args.apiUrl, '--api-url')), named: true };
  const fromEnv = env['BITBUCKET_API_URL'];
  if (fromEnv !== undefined && fromEnv.trim() !== '')
    return { apiUrl: base(checkUrl(fromEnv.trim(), 'BITBUCKET_API_URL')), named: true };
  // A Data Center call's base is what comes before /rest/api/ (its context path included).
  const dcRest = url === undefined ? -1 : url.search(DATA_CENTER_REST);
  if (url !== undefined && dcRest > 0) return { apiUrl: url.slice(0, dcRest), named: false };
  if (url !== undefined && !WEBSITE_HOSTS.has(new URL(url).hostname))
    return { apiUrl: new URL(url).origin, named: false };
  return { apiUrl: DEFAULT_API_URL, named: false };
};

const parseHeader = (text: string, source: string): GivenHeader => {
  const colon = text.indexOf(':');
  if (colon <= 0) {
    // `Private-Token=T`: the name only; a value here is as secret as after a colon.
    const name = /^\s*([\w-]{1,40})\s*=/u.exec(text)?.[1];
    throw new UsageError(
      name === undefined
        ? `--header expects 'Name: value', got ${quoted(text)} (no colon).`
        : `--header expects 'Name: value', got '${name}=…' (an equals sign, no colon): write '${name}: value'.`,
    );
  }
  return {
    name: text.slice(0, colon).trim(),
    value: text.slice(colon + 1).replace(/^ /u, ''),
    source,
  };
};

/** A scheme alone ("Bearer" from an empty $TOKEN), or nothing: no credential, no secret. */
export const schemeOnly = (value: string): boolean =>
  value.trim() === '' || /^(?:bearer|basic|token)$/iu.test(value.trim());

/** A credential from an Authorization header, classified by scheme and shape. */
export const credentialFromAuthorization = (header: GivenHeader): Credential | undefined => {
  const parsed = parseAuthorization(header.value);
  const source = `header:${header.name} (${header.source})`;
  if (parsed.basic !== undefined) {
    return makeCredential(
      'unknown',
      parsed.basic.secret,
      source,
      parsed.basic.username,
      `header:${parsed.scheme}`,
    );
  }
  // The credential as given: a newline or space after it (a token read from a file, `echo` without
  // -n) is the SECRET_WHITESPACE finding, so it is kept on the raw form (parseAuthorization trims).
  const trailing = /\s+$/u.exec(header.value)?.[0] ?? '';
  const secret = parsed.rest + trailing;
  if (schemeOnly(secret)) return undefined;
  const claimed: CredentialKind = /^bearer$/iu.test(parsed.scheme) ? 'access-token' : 'unknown';
  const credential = makeCredential(
    'unknown',
    secret,
    source,
    undefined,
    `header:${parsed.scheme || '(no scheme)'}`,
  );
  return credential.kind === 'unknown' ? { ...credential, kind: claimed } : credential;
};

/**
 * Builds the run's input from flags and the environment. Registers nothing: the command line and
 * the environment are registered as one input (`secretsOf({ argv, env })`) before they are parsed.
 */
/** The credentials the given headers carry (Authorization by its scheme, others as they are). */
export const credentialsOfHeaders = (headers: readonly GivenHeader[]): Credential[] =>
  headers.flatMap((header): Credential[] => {
    // What the user's shell computed is unknown here: no credential is read from its placeholder.
    if (!CREDENTIAL_HEADER.test(header.name) || header.computed !== undefined) return [];
    if (header.name.toLowerCase() === 'authorization') {
      const credential = credentialFromAuthorization(header);
      return credential === undefined ? [] : [credential];
    }
    return header.value.trim() === ''
      ? []
      : [makeCredential('unknown', header.value, `header:${header.name} (${header.source})`)];
  });

/** The most headers a run takes (--header and a curl command's -H): each is sent by every check. */
export const MAX_HEADERS = 100;

const checkHeaderCount = (flags: number, curl: number): void => {
  if (flags > MAX_HEADERS)
    throw new UsageError(`Too many --header flags (${flags}): at most ${MAX_HEADERS}.`);
  if (flags + curl > MAX_HEADERS)
    throw new UsageError(
      `Too many headers (${flags + curl}, --header and the curl command's): at most ${MAX_HEADERS}.`,
    );
};

export const buildInput = (
  args: RunArgs,
  env: Readonly<Record<string, string | undefined>>,
  extra: {
    readonly failingRequest?: FailingRequest;
    readonly headers?: readonly GivenHeader[];
    /** Credentials found elsewhere (a curl command's -u, .netrc, git credential), already registered. */
    readonly credentials?: readonly Credential[];
    /** The origin of a pasted command's token fetch (a step), when --auth-url was not given. */
    readonly authUrl?: string;
  } = {},
): DoctorInput => {
  checkHeaderCount((args.header ?? []).length, (extra.headers ?? []).length);
  const warnings: string[] = [];
  const username = args.username ?? env['BITBUCKET_USERNAME'];
  const email = args.email ?? env['BITBUCKET_EMAIL'];
  const credentials: Credential[] = [];
  const flagged: string[] = [];

  for (const option of SECRET_OPTIONS) {
    const fromFlag = args[option.key] as string | undefined;
    const fromEnv = env[option.env];
    if (fromFlag !== undefined && fromEnv !== undefined && fromFlag !== fromEnv) {
      warnings.push(
        `${option.flag} overrides ${option.env}, which holds a different value; the flag was used.`,
      );
    }
    const value = fromFlag ?? fromEnv;
    if (value === undefined) continue;
    if (fromFlag !== undefined) flagged.push(option.flag);
    const source = fromFlag !== undefined ? `flag:${option.flag}` : `env:${option.env}`;
    // Basic pairs a secret with a user name: API tokens want the email for REST, app passwords the
    // username (§5.2). An API token given with --username is paired with it, as the user would
    // send it; identity then proves whether the email works instead (API_TOKEN_NEEDS_EMAIL).
    const basicKinds: readonly CredentialKind[] = ['api-token', 'app-password', 'account-password'];
    const pairedWith = basicKinds.includes(option.kind) ? (username ?? email) : undefined;
    credentials.push(makeCredential(option.kind, value, source, pairedWith));
  }
  // A credential in --header is on the command line just the same.
  // Which headers carry one: the one list (wire.ts), by way of CREDENTIAL_HEADER.
  const carriesSecret = (h: string): boolean => {
    const colon = h.indexOf(':');
    return (
      colon > 0 &&
      CREDENTIAL_HEADER.test(h.slice(0, colon)) &&
      /^\s*(?:\S+\s+\S|\S{12,})/u.test(h.slice(colon + 1))
    );
  };
  if ((args.header ?? []).some(carriesSecret)) {
    flagged.push('--header');
  }
  if (flagged.length > 0) {
    warnings.push(
      `A secret was given as a flag (${flagged.join(', ')}): flags end up in shell history and in 'ps'. Prefer the environment variables.`,
    );
  }

  const headers: GivenHeader[] = [
    ...(args.header ?? []).map((text) => parseHeader(text, 'flag:--header')),
    ...(extra.headers ?? []),
  ];
  credentials.push(...credentialsOfHeaders(headers));

  // The failing call's URL: --url, else the one of the curl command.
  const url =
    args.url === undefined
      ? extra.failingRequest?.url === undefined
        ? undefined
        : checkUrl(extra.failingRequest.url, "The curl command's URL")
      : checkUrl(args.url, '--url');
  const fromPath = url === undefined ? {} : targetFromPath(url);
  const { apiUrl, named } = apiBaseOf(args, env, url);
  // A pasted command's token fetch names the OAuth base the user used.
  const authUrl =
    args.authUrl === undefined
      ? (extra.authUrl ?? DEFAULT_AUTH_URL)
      : stripSlash(checkUrl(args.authUrl, '--auth-url'));
  const workspace = args.workspace ?? fromPath.workspace;
  const repo = args.repo ?? fromPath.repo;
  const failingRequest: FailingRequest | undefined =
    extra.failingRequest ??
    (url === undefined ? undefined : { method: 'GET', url, headers, source: 'url' });

  // A variable the pasted command expanded is one credential, with the username it was sent
  // with: the environment's own copy of it is not a second one.
  const expandedHere = (extra.credentials ?? []).filter((c) => c.source.endsWith(EXPANDED));
  const fromEnv = credentials.filter(
    (c) => !(c.source.startsWith('env:') && expandedHere.some((e) => e.secret === c.secret)),
  );
  return {
    apiUrl,
    authUrl,
    ...(workspace === undefined || workspace === '' ? {} : { workspace }),
    ...(repo === undefined || repo === '' ? {} : { repo }),
    ...(url === undefined ? {} : { url }),
    ...(username === undefined ? {} : { username }),
    ...(email === undefined ? {} : { email }),
    credentials: [...fromEnv, ...(extra.credentials ?? [])],
    headers,
    ...(failingRequest === undefined ? {} : { failingRequest }),
    warnings,
    // Only what the user named: an API origin taken from --url must first answer like Bitbucket.
    explicitOrigins: [
      ...(named ? [new URL(apiUrl).origin] : []),
      ...(args.authUrl === undefined ? [] : [new URL(authUrl).origin]),
    ],
    ...(args.useRefreshToken === true ? { useRefreshToken: true } : {}),
  };
};
