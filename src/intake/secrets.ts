import type { Redactor } from '../report/redactor.js';
import type { Exchange } from '../types.js';
import { CREDENTIAL_HEADER, parseAuthorization } from './credentials.js';
import type { ParsedCurl } from './curl.js';
import { decodeComponent, SECRET_PARAM_RE, splitParams } from './curl-url.js';
import { schemeOnly, SECRET_OPTIONS } from './input.js';

/**
 * One secret an input carries, with the usernames it may be paired with in Basic
 * (`base64(user:secret)`). An entry without `secret` names usernames only (a `--username` whose
 * secret comes from elsewhere), so that the redactor knows every pairing.
 */
export interface FoundSecret {
  readonly secret?: string;
  readonly usernames?: readonly string[];
  /** The mark to show for it: a stand-in (explain/stand-ins.ts) shows its original's. */
  readonly shown?: string;
}

type Env = Readonly<Record<string, string | undefined>>;

/** Every kind of input a run reads secrets from. */
export type SecretSource =
  /** The command line (flags, `--header`) and the environment (secret variables, proxy URLs). */
  | { readonly argv: readonly string[]; readonly env: Env }
  /** A curl command, parsed (after `--` or `--curl`). */
  | { readonly curl: ParsedCurl }
  /** A saved capture's exchanges (`explain FILE`). */
  | { readonly capture: readonly Exchange[] }
  /** A stored credential: a .netrc machine entry, git's credential helper. */
  | { readonly stored: { readonly username?: string | undefined; readonly secret: string } };

const PROXY_VARIABLES = [
  'HTTPS_PROXY',
  'https_proxy',
  'HTTP_PROXY',
  'http_proxy',
  'ALL_PROXY',
  'all_proxy',
] as const;

const defined = (values: readonly (string | undefined)[]): string[] =>
  values.filter((v): v is string => v !== undefined && v !== '');

const safeDecode = (text: string): string => {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
};

/** The password of a URL's userinfo (`https://user:password@host`), as written and decoded. */
const urlPassword = (text: string | undefined): FoundSecret[] => {
  let url: URL;
  try {
    url = new URL(text ?? '');
  } catch {
    return [];
  }
  if (url.password === '') return [];
  return [
    { secret: safeDecode(url.password), usernames: defined([safeDecode(url.username)]) },
    { secret: url.password },
  ];
};

/**
 * What a credential-bearing header carries: the value itself, and for an Authorization value its
 * credential after the scheme (never the scheme: `bearer [redacted …]` keeps the spelling that is
 * often the diagnosis), the secret and username of a Basic pair.
 */
export const headerSecrets = (name: string, value: string): FoundSecret[] => {
  const header = name.trim().toLowerCase();
  if (!CREDENTIAL_HEADER.test(header)) return [];
  const authorization = header === 'authorization' || header === 'proxy-authorization';
  // A scheme alone ("Bearer" from an empty $TOKEN) carries no credential: the word is no secret.
  if (authorization && schemeOnly(value)) return [];
  const parsed = parseAuthorization(value);
  const found: FoundSecret[] = [
    // A value with a scheme is registered by its credential only, so the scheme stays visible.
    ...(authorization && parsed.scheme !== '' ? [] : [{ secret: value }]),
    { secret: parsed.rest },
    { secret: value.trimStart().replace(/^\S+\s+/u, '') },
  ];
  if (parsed.basic !== undefined)
    found.push({ secret: parsed.basic.secret, usernames: [parsed.basic.username] });
  return found;
};

/** `--api-token` and its camel-case spelling `--apiToken`, both of which yargs accepts. */
const spellings = (flag: string): string[] => [
  flag,
  `--${flag.slice(2).replace(/-([a-z])/gu, (_m, c: string) => c.toUpperCase())}`,
];

const SECRET_FLAGS = new Set(SECRET_OPTIONS.flatMap((o) => spellings(o.flag)));
const USERNAME_FLAGS = new Set(['--username', '--email']);
const HEADER_FLAG = /^(?:-H|--header)$/u;

/**
 * The secrets of a command line and its environment: every secret flag (`--api-token X`,
 * `--api-token=X`, `--apiToken X`), every credential in `--header`/`-H`, every secret variable
 * (contract.md) and the password of a proxy URL (`HTTPS_PROXY=http://user:password@proxy:3128`).
 * Read from the raw words, so that they are known before the flags parser can print anything.
 */
export const argvSecrets = (argv: readonly string[], env: Env): FoundSecret[] => {
  const usernames: string[] = defined([env['BITBUCKET_USERNAME'], env['BITBUCKET_EMAIL']]);
  const secrets: string[] = [];
  const headers: string[] = [];
  // Every word, also after `--`: a command there that is no curl command is never parsed.
  const words = argv;
  for (let i = 0; i < words.length; i += 1) {
    const word = words[i] ?? '';
    const eq = word.indexOf('=');
    const flag = eq > -1 ? word.slice(0, eq) : word;
    const value = eq > -1 ? word.slice(eq + 1) : words[i + 1];
    if (value === undefined) continue;
    if (SECRET_FLAGS.has(flag)) secrets.push(value);
    else if (USERNAME_FLAGS.has(flag)) usernames.push(value);
    else if (HEADER_FLAG.test(flag)) headers.push(value);
  }
  const found: FoundSecret[] = [
    { usernames },
    ...defined(SECRET_OPTIONS.map((o) => env[o.env])).map((secret) => ({ secret, usernames })),
    ...secrets.map((secret) => ({ secret, usernames })),
    ...PROXY_VARIABLES.flatMap((name) => urlPassword(env[name])),
  ];
  for (const text of headers) {
    const colon = text.indexOf(':');
    // The value as a header carries it: no whitespace after the colon (a second space there would
    // otherwise become part of a "secret" and be cut out of every text).
    if (colon > 0)
      found.push(
        ...headerSecrets(text.slice(0, colon), text.slice(colon + 1).replace(/^\s*/u, '')),
      );
  }
  return found;
};

/** The secrets of a curl command: `-u`, `--oauth2-bearer`, credential headers, URL and form. */
export const curlSecrets = (parsed: ParsedCurl): FoundSecret[] => {
  const found: FoundSecret[] = [];
  if (parsed.user !== undefined) {
    const { username, secret } = parsed.user;
    found.push({ ...(secret === undefined ? {} : { secret }), usernames: [username] });
  }
  if (parsed.oauth2Bearer !== undefined) found.push({ secret: parsed.oauth2Bearer });
  for (const header of parsed.headers) found.push(...headerSecrets(header.name, header.value));
  const params = [
    ...(parsed.url?.includes('?') === true
      ? splitParams(parsed.url.slice(parsed.url.indexOf('?') + 1))
      : []),
    ...parsed.data.flatMap((d) => splitParams(d.value)),
  ];
  for (const param of params) {
    if (!SECRET_PARAM_RE.test(param.name)) continue;
    found.push({ secret: param.value }, { secret: decodeComponent(param.value) });
  }
  found.push(...urlPassword(parsed.url));
  return found;
};

/**
 * The secrets of a saved exchange: credential headers and cookies of every request, the cookies
 * an answer set, and credential-looking query parameters.
 */
export const captureSecrets = (exchanges: readonly Exchange[]): FoundSecret[] => {
  const found: FoundSecret[] = [];
  for (const exchange of exchanges) {
    for (const [name, value] of Object.entries(exchange.request.headers)) {
      found.push(...headerSecrets(name, value));
      // Each cookie's value too (a capture's cookies are often the whole session).
      if (name.toLowerCase() === 'cookie')
        for (const part of value.split(/;\s*/u))
          found.push({ secret: part.slice(part.indexOf('=') + 1) });
    }
    const setCookie = exchange.response?.headers['set-cookie'];
    if (setCookie !== undefined)
      for (const part of setCookie.split(/,\s*(?=[^;=]+=)/u))
        found.push({ secret: (part.split(';')[0] ?? '').replace(/^[^=]*=/u, '') });
    try {
      for (const [key, value] of new URL(exchange.request.url).searchParams)
        if (/token|secret|password|key/iu.test(key)) found.push({ secret: value });
    } catch {
      // a capture without the URL
    }
    found.push(...urlPassword(exchange.request.url));
  }
  return found;
};

/** A stored credential (.netrc `login`/`password`, git credential `username`/`password`). */
export const storedSecrets = (username: string | undefined, secret: string): FoundSecret[] => [
  { secret, usernames: defined([username]) },
];

/** Every secret of one input, by kind. Pure: nothing is registered until `registerSecrets`. */
export const secretsOf = (source: SecretSource): FoundSecret[] => {
  if ('argv' in source) return argvSecrets(source.argv, source.env);
  if ('curl' in source) return curlSecrets(source.curl);
  if ('capture' in source) return captureSecrets(source.capture);
  return storedSecrets(source.stored.username, source.stored.secret);
};

/**
 * Registers what `secretsOf` found with the run's redactor: the one place the intake calls
 * `redactor.register`. Call it once per input, the moment the input is read, before anything can
 * print.
 */
export const registerSecrets = (redactor: Redactor, found: readonly FoundSecret[]): void => {
  for (const { secret, usernames = [], shown } of found) {
    for (const username of usernames) redactor.addUsername(username);
    redactor.register(secret, usernames, shown);
  }
};
