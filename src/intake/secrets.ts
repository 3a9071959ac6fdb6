import { isCredentialHeader } from '../knowledge/wire.js';
import type { Redactor } from '../report/redactor.js';
import type { Exchange } from '../types.js';
import { parseAuthorization } from './credentials.js';
import type { ParsedCurl } from './curl.js';
import { decodeComponent, SECRET_PARAM_RE, splitParams } from './curl-url.js';
import { schemeOnly, SECRET_OPTIONS } from './input.js';
import { looksLikeToken } from './quote.js';

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
  /** A git command, parsed (after `--` or `--git`): what git-command.ts found in it. */
  | { readonly git: { readonly secrets: readonly FoundSecret[] } }
  /**
   * A saved capture's exchanges (`explain FILE`), and the URLs it prints outside its requests
   * (git's trace: `Issue another request to this URL: 'https://user:secret@…'`).
   */
  | { readonly capture: readonly Exchange[]; readonly urls?: readonly string[] }
  /** The arguments of git's configured credential helpers (`helper.sh --token=X`). */
  | { readonly helperArguments: readonly string[] }
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

/** The credential parameters of a query string or a fragment (`#access_token=`, §1.2). */
const paramSecrets = (text: string): FoundSecret[] =>
  splitParams(text).flatMap((param) =>
    SECRET_PARAM_RE.test(param.name) && param.value !== ''
      ? [{ secret: param.value }, { secret: decodeComponent(param.value) }]
      : [],
  );

/**
 * What a URL carries: the password of its userinfo (`https://user:password@host`, as written and
 * decoded), a userinfo that is a token alone (`https://TOKEN@host`), and the credential parameters
 * of its query and fragment. A proxy variable may lack the scheme (`u:P@host:port`), and a URL
 * that does not parse (a usage error will say so) is read by its text.
 */
export const urlSecrets = (text: string | undefined): FoundSecret[] => {
  if (text === undefined || text.trim() === '') return [];
  const raw = text.trim();
  const found: FoundSecret[] = [];
  const query = /[?#](.*)$/su.exec(raw)?.[1];
  if (query !== undefined) found.push(...paramSecrets(query.replace(/#/gu, '&')));
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//iu.test(raw) ? raw : `http://${raw}`;
  let url: URL | undefined;
  try {
    url = new URL(withScheme);
  } catch {
    url = undefined;
  }
  if (url !== undefined) {
    if (url.password !== '')
      found.push(
        { secret: safeDecode(url.password), usernames: defined([safeDecode(url.username)]) },
        { secret: url.password },
      );
    else if (looksLikeToken(safeDecode(url.username)))
      found.push({ secret: safeDecode(url.username) });
    return found;
  }
  const userinfo = /^(?:[a-z][a-z0-9+.-]*:\/\/)?([^/?#@\s]*)@/iu.exec(raw)?.[1];
  if (userinfo !== undefined) {
    const colon = userinfo.indexOf(':');
    if (colon > -1)
      found.push(
        { secret: safeDecode(userinfo.slice(colon + 1)) },
        { secret: userinfo.slice(colon + 1) },
      );
    else if (looksLikeToken(userinfo)) found.push({ secret: userinfo });
  }
  return found;
};

/** Credential fields of a JSON body (a token answer, a login form), also one cut short. */
const JSON_SECRET_FIELD =
  /"(access_token|refresh_token|id_token|client_secret|password|passwd|secret|token|api_key|apikey|jwt|private_token|app_password|assertion)"\s*:\s*"((?:[^"\\]|\\.)*)/giu;

/**
 * The secrets of a request or response body: the credential parameters of a form
 * (`refresh_token=`, `client_secret=`, `password=`, `code=`), and the credential fields of JSON
 * (`"access_token"`, `"refresh_token"`...), read by their text so that a body cut short still
 * gives up what it holds.
 */
export const bodySecrets = (body: string | undefined): FoundSecret[] => {
  if (body === undefined || body.trim() === '') return [];
  const found: FoundSecret[] = [];
  for (const match of body.matchAll(JSON_SECRET_FIELD)) {
    const value = match[2] ?? '';
    if (value === '') continue;
    let decoded = value;
    try {
      decoded = JSON.parse(`"${value}"`) as string;
    } catch {
      // a value cut inside an escape: its text as it stands
    }
    found.push({ secret: decoded });
  }
  if (!/^\s*[[{]/u.test(body)) found.push(...paramSecrets(body.trim()));
  return found;
};

/**
 * What a credential-bearing header carries: the value itself, and for an Authorization value its
 * credential after the scheme (never the scheme: `bearer [redacted …]` keeps the spelling that is
 * often the diagnosis), the secret and username of a Basic pair.
 */
export const headerSecrets = (name: string, value: string): FoundSecret[] => {
  const header = name.trim().toLowerCase();
  if (!isCredentialHeader(header)) return [];
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
/** Options whose value is a name, a file or a number: never a secret, whatever it looks like. */
const PLAIN_VALUE_FLAGS = new Set([
  '-w',
  '--workspace',
  '-r',
  '--repo',
  '--username',
  '--email',
  '-o',
  '--output',
  '-f',
  '--format',
  '--timeout',
  '--cacert',
  '--netrc-file',
  '--port',
  '--scenario',
]);

/** URL options: their userinfo, query and fragment may carry a secret. */
const URL_FLAGS = new Set([
  '--url',
  '--api-url',
  '--auth-url',
  '--git-url',
  '--apiUrl',
  '--authUrl',
  '--gitUrl',
]);

/**
 * A `--header` that is no `Name: value` (a usage error will say so): `$TOKEN` alone, or
 * `Private-Token=T`. What it holds is registered, since a value there is a credential more often
 * than not.
 */
const malformedHeaderSecrets = (text: string): FoundSecret[] => {
  const eq = /^\s*([\w-]+)\s*=\s*(.*)$/su.exec(text);
  // The value only: the name is what the error message shows.
  if (eq !== null) return [{ secret: eq[2] ?? '' }];
  return [{ secret: text }, ...text.split(/\s+/u).map((word) => ({ secret: word }))].filter(
    (f) => f.secret.trim().length > 0,
  );
};

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
  const urls: string[] = [];
  const words = argv;
  const dash = words.indexOf('--');
  // After `--`, a curl command's words are registered by their structure (curlSecrets), and
  // what is no curl command is only ever described (quote.ts): a whole `user:token` word there
  // must not become a secret of its own, or its username would be redacted with it.
  // The same for a git command (`-- git clone URL`): its userinfo, `-c http.extraHeader` and
  // helper options are registered by their structure (gitSecrets).
  const curl = dash > -1 && /^(?:curl|git)(?:\.exe)?$/iu.test(words[dash + 1] ?? '');
  for (let i = 0; i < words.length; i += 1) {
    const word = words[i] ?? '';
    // Every other word, also after `--`: a stray word an error message would name ("Unknown
    // command") may be a pasted token.
    // The value of an option that names no secret (a repository, a file) is never one.
    const plainValue = i > 0 && PLAIN_VALUE_FLAGS.has(words[i - 1] ?? '');
    if (looksLikeToken(word) && !(curl && i > dash) && !plainValue) secrets.push(word);
    const eq = word.indexOf('=');
    const flag = eq > -1 ? word.slice(0, eq) : word;
    const value = eq > -1 ? word.slice(eq + 1) : words[i + 1];
    if (value === undefined) continue;
    if (SECRET_FLAGS.has(flag)) secrets.push(value);
    else if (USERNAME_FLAGS.has(flag)) usernames.push(value);
    else if (HEADER_FLAG.test(flag)) headers.push(value);
    else if (URL_FLAGS.has(flag)) urls.push(value);
    // `--curl "$TOKEN"`: what is no curl command is quoted by nobody, and registered.
    else if (
      (flag === '--curl' && !/\bcurl\b/iu.test(value)) ||
      (flag === '--git' && !/\bgit\b/iu.test(value))
    )
      secrets.push(value, ...value.split(/\s+/u));
  }
  const found: FoundSecret[] = [
    { usernames },
    ...defined(SECRET_OPTIONS.map((o) => env[o.env])).map((secret) => ({ secret, usernames })),
    ...secrets.map((secret) => ({ secret, usernames })),
    ...PROXY_VARIABLES.flatMap((name) => urlSecrets(env[name])),
    ...urls.flatMap((url) => urlSecrets(url)),
  ];
  for (const text of headers) {
    const colon = text.indexOf(':');
    // The value as a header carries it: no whitespace after the colon (a second space there would
    // otherwise become part of a "secret" and be cut out of every text).
    if (colon > 0 && /^[\w-]+$/u.test(text.slice(0, colon).trim()))
      found.push(
        ...headerSecrets(text.slice(0, colon), text.slice(colon + 1).replace(/^\s*/u, '')),
      );
    else found.push(...malformedHeaderSecrets(text));
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
  for (const data of parsed.data) found.push(...bodySecrets(data.value));
  found.push(...urlSecrets(parsed.url));
  return found;
};

/**
 * The secrets of a saved exchange: every credential header and cookie of a request, its URL
 * (userinfo, query, fragment) and body (form and JSON credential fields); of an answer, the
 * cookies it set, a `Location` that carries a token (the implicit grant's `#access_token=`), and
 * the credential fields of its body (a token answer's `access_token`, `refresh_token`).
 */
export const captureSecrets = (
  exchanges: readonly Exchange[],
  urls: readonly string[] = [],
): FoundSecret[] => {
  const found: FoundSecret[] = urls.flatMap((url) => urlSecrets(url));
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
    found.push(...urlSecrets(exchange.request.url), ...bodySecrets(exchange.request.body));
    const response = exchange.response;
    if (response !== undefined) {
      found.push(...urlSecrets(response.headers['location']), ...bodySecrets(response.body));
      for (const [name, value] of Object.entries(response.headers))
        if (name.toLowerCase() !== 'set-cookie') found.push(...headerSecrets(name, value));
    }
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
  if ('git' in source) return [...source.git.secrets];
  if ('capture' in source) return captureSecrets(source.capture, source.urls);
  if ('helperArguments' in source)
    return source.helperArguments.flatMap((word) => [
      { secret: word },
      { secret: word.replace(/^--?[\w-]+=/u, '') },
    ]);
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
