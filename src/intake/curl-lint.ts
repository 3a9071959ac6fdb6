/**
 * What a person gets wrong in a curl command for Bitbucket, found from the command alone (no
 * request is sent), and the fixes that are mechanical. Facts are from bitbucket-auth.md (§ refs).
 *
 * Lint messages, fixes and data never contain a secret value: only header names, schemes,
 * parameter names, variable names, hosts and paths.
 */
import { Buffer } from 'node:buffer';

import type { FindingCode } from '../types.js';
import { impliedMethod, type CurlHeader, type ParsedCurl } from './curl-parse.js';
import {
  API_HOST,
  decodeBasic,
  decodeComponent,
  decodePercent,
  encodeBasic,
  findReferences,
  isCloudHost,
  isLoopbackHost,
  isPureReference,
  joinUrl,
  looksLikeApiToken,
  SECRET_PARAM_RE,
  splitParams,
  splitUrl,
  WEBSITE_HOSTS,
  type ShellReference,
  type UrlParts,
} from './curl-url.js';
import { toArgv } from './curl-words.js';

/**
 * A finding code, or `WRITE_METHOD_NOT_REPLAYED`: a note (not a finding) that the replay will not
 * send a write request.
 */
export type CurlLintCode = FindingCode | 'WRITE_METHOD_NOT_REPLAYED';

/**
 * `fail`: Bitbucket rejects or ignores it. `warn`: works but unsafe or deprecated. `note`:
 * information only.
 */
export type CurlLintSeverity = 'fail' | 'warn' | 'note';

export interface CurlLint {
  code: CurlLintCode;
  severity: CurlLintSeverity;
  /** One or two sentences; no secret values. */
  message: string;
  /** What to change, with secrets as `$PLACEHOLDERS`. */
  fix?: string;
  /** `correctCurl` applies this fix. */
  fixable: boolean;
  /** Machine-readable facts: `kind`, `index` (of the header), `variable`, `file`, `replacement`. */
  data?: Record<string, unknown>;
}

export interface CurlLintOptions {
  /** The API base the run targets (`--api-url`, e.g. the simulator): its host counts as Cloud. */
  apiUrl?: string;
  /** The OAuth base (`--auth-url`): its host counts as the website host when it differs from the API's. */
  authUrl?: string;
}

const TOKEN_ENDPOINT_RE = /\/site\/oauth2\/access_token\/?$/;

/** Where the lint found it, in the user's words. */
type Position = string;

interface Context {
  parsed: ParsedCurl;
  url?: UrlParts;
  /** The scheme curl used (http when the URL has none). */
  scheme: string;
  host: string;
  websiteHosts: Set<string>;
  apiHosts: Set<string>;
  cloudHosts: Set<string>;
  apiHost?: string;
  apiPort?: string;
  authHost?: string;
  authPort?: string;
  tokenEndpoint: boolean;
  /** Form fields of the data (name → raw values), for the token endpoint and access_token. */
  fields: { name: string; value: string; item: number; flag: string }[];
}

function hostOf(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  const host = splitUrl(url).host.toLowerCase();
  return host === '' ? undefined : host;
}

function portOf(url: string | undefined): string | undefined {
  return url === undefined ? undefined : splitUrl(url).port;
}

function formFields(parsed: ParsedCurl): Context['fields'] {
  const fields: Context['fields'] = [];
  parsed.data.forEach((d, item) => {
    if (d.flag === '--json') return;
    const single =
      d.flag === '-F' ||
      d.flag === '--form' ||
      d.flag === '--form-string' ||
      d.flag === '--data-urlencode';
    if (single) {
      const eq = d.value.indexOf('=');
      if (eq > 0)
        fields.push({
          name: d.value.slice(0, eq),
          value: d.value.slice(eq + 1),
          item,
          flag: d.flag,
        });
      return;
    }
    for (const p of splitParams(d.value)) {
      fields.push({ name: p.name, value: decodeComponent(p.value), item, flag: d.flag });
    }
  });
  return fields;
}

function makeContext(parsed: ParsedCurl, options: CurlLintOptions): Context {
  const apiHost = hostOf(options.apiUrl);
  const authHost = hostOf(options.authUrl);
  const websiteHosts = new Set(WEBSITE_HOSTS);
  const apiHosts = new Set([API_HOST]);
  if (authHost !== undefined && authHost !== apiHost) websiteHosts.add(authHost);
  if (apiHost !== undefined && apiHost !== authHost) apiHosts.add(apiHost);
  const cloudHosts = new Set([...websiteHosts, ...apiHosts]);
  if (apiHost !== undefined) cloudHosts.add(apiHost);
  if (authHost !== undefined) cloudHosts.add(authHost);
  const url = parsed.url === undefined ? undefined : splitUrl(parsed.url);
  const context: Context = {
    parsed,
    scheme: url?.scheme ?? 'http',
    host: url?.host.toLowerCase() ?? '',
    websiteHosts,
    apiHosts,
    cloudHosts,
    tokenEndpoint: url !== undefined && TOKEN_ENDPOINT_RE.test(url.path),
    fields: formFields(parsed),
  };
  if (url !== undefined) context.url = url;
  if (apiHost !== undefined) context.apiHost = apiHost;
  if (authHost !== undefined) context.authHost = authHost;
  const apiPort = portOf(options.apiUrl);
  const authPort = portOf(options.authUrl);
  if (apiPort !== undefined) context.apiPort = apiPort;
  if (authPort !== undefined) context.authPort = authPort;
  return context;
}

function field(context: Context, name: string): string | undefined {
  return context.fields.find((f) => f.name.toLowerCase() === name)?.value;
}

// ---------------------------------------------------------------------------------------------
// Unexpanded shell expressions
// ---------------------------------------------------------------------------------------------

function suggestedVariable(position: Position, context: Context): string {
  if (position === '--oauth2-bearer') return 'BITBUCKET_ACCESS_TOKEN';
  if (position === '-u')
    return context.tokenEndpoint ? 'BITBUCKET_CLIENT_SECRET' : 'BITBUCKET_API_TOKEN';
  if (position === 'the Authorization header') {
    const auth = context.parsed.headers.find((h) => h.name.toLowerCase() === 'authorization');
    return /^basic\s/i.test(auth?.value ?? '') ? 'BITBUCKET_API_TOKEN' : 'BITBUCKET_ACCESS_TOKEN';
  }
  return 'BITBUCKET_ACCESS_TOKEN';
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function unexpandedLint(
  ref: ShellReference,
  position: Position,
  context: Context,
  severity: CurlLintSeverity,
): CurlLint {
  const data: Record<string, unknown> = {
    position,
    expression: ref.expression,
    kind: ref.kind,
  };
  const why =
    'bb-doctor never expands variables or runs commands (and single quotes stop your shell from doing it)';
  if (ref.kind === 'variable') {
    const variable = ref.variable ?? ref.expression;
    data['variable'] = variable;
    return {
      code: 'SECRET_UNEXPANDED',
      severity,
      message: `${capitalize(position)} contains ${ref.expression}, which was not expanded: ${why}, so the literal text ${ref.expression} would be sent.`,
      fix: `Export ${variable} in your shell (export ${variable}='…'), then pass the command after -- so that the shell expands it: bb-doctor -- curl …`,
      fixable: false,
      data,
    };
  }
  const variable = suggestedVariable(position, context);
  data['suggestedVariable'] = variable;
  if (ref.command !== undefined) data['command'] = ref.command;
  if (ref.file !== undefined) data['file'] = ref.file;
  const source =
    ref.file === undefined ? `the command \`${ref.command ?? ''}\`` : `the file ${ref.file}`;
  return {
    code: 'SECRET_UNEXPANDED',
    severity,
    message: `${capitalize(position)} contains ${ref.expression}, which was not run: ${why}, so the secret from ${source} never reached the request.`,
    fix: `Read it in your shell first: export ${variable}="${ref.expression}", then use "$${variable}" in the command (or pass the command after -- so that the shell runs it).`,
    fixable: false,
    data,
  };
}

function lintUnexpanded(context: Context, lints: CurlLint[]): void {
  const { parsed } = context;
  const seen = new Set<string>();
  // In a credential position it is certainly a mistake (`fail`); in the data or another header
  // a literal `$` may be meant (`warn`).
  const check = (text: string, position: Position, severity: CurlLintSeverity = 'fail'): void => {
    for (const ref of findReferences(text)) {
      const key = `${position}\u0000${ref.expression}`;
      if (seen.has(key)) continue;
      seen.add(key);
      lints.push(unexpandedLint(ref, position, context, severity));
    }
  };
  for (const h of parsed.headers) {
    const name = h.name.toLowerCase();
    if (name === 'authorization') check(h.value, 'the Authorization header');
    else check(h.value, `the ${h.name} header`, SECRET_HEADERS.has(name) ? 'fail' : 'warn');
  }
  if (parsed.user) {
    check(parsed.user.username, '-u');
    if (parsed.user.secret !== undefined) check(parsed.user.secret, '-u');
  }
  if (parsed.oauth2Bearer !== undefined) check(parsed.oauth2Bearer, '--oauth2-bearer');
  if (parsed.url !== undefined) check(parsed.url, 'the URL');
  for (const d of parsed.data) {
    const secretField = splitParams(d.value).some((p) => SECRET_PARAM_RE.test(p.name));
    check(d.value, d.flag, secretField ? 'fail' : 'warn');
  }
}

/** Headers that carry credentials (besides Authorization). */
const SECRET_HEADERS = new Set(['proxy-authorization', 'cookie', 'x-api-key', 'private-token']);

// ---------------------------------------------------------------------------------------------
// The Authorization header (§2)
// ---------------------------------------------------------------------------------------------

const CANONICAL_SCHEMES: Readonly<Record<string, string>> = {
  bearer: 'Bearer',
  basic: 'Basic',
  jwt: 'JWT',
};

/** Removes shell expressions so that `$(cat a file)` does not count as whitespace in a token. */
function withoutReferences(text: string): string {
  let rest = text;
  for (const ref of [...findReferences(text)].reverse()) {
    rest = `${rest.slice(0, ref.start)}x${rest.slice(ref.end)}`;
  }
  return rest;
}

/** A Connect JWT carries a `qsh` claim (bitbucket-auth.md §1.2: JWT is for Connect apps). */
function isConnectJwt(token: string): boolean {
  const payload = token.split('.')[1];
  if (payload === undefined) return false;
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    return typeof claims === 'object' && claims !== null && 'qsh' in claims;
  } catch {
    return false;
  }
}

const API_TOKEN_FIX =
  'Send an API token as Basic with your Atlassian account email: -u "you@example.com:$BITBUCKET_API_TOKEN".';

function basicCredentialLints(
  username: string,
  secret: string,
  position: Position,
  context: Context,
  lints: CurlLint[],
): void {
  if (context.tokenEndpoint) return;
  if (looksLikeApiToken(secret) && !isPureReference(username) && !username.includes('@')) {
    lints.push({
      code: 'API_TOKEN_NEEDS_EMAIL',
      severity: 'fail',
      message: `${position} pairs an API token (ATATT…) with the username "${username}": for the REST API Bitbucket wants the Atlassian account email, not the Bitbucket username (§5.2; ${username === 'x-bitbucket-api-token-auth' ? 'that static username is for git only' : 'the username works for git only'}).`,
      fix: API_TOKEN_FIX,
      fixable: false,
      data: { position, username },
    });
  }
  if (username === 'x-token-auth') {
    lints.push({
      code: 'ACCESS_TOKEN_AS_BASIC',
      severity: 'fail',
      message: `${position} sends an access token as Basic with x-token-auth: that form is for git; the REST API wants it as a Bearer token (§2.3).`,
      fix: 'Send the access token as -H "Authorization: Bearer $BITBUCKET_ACCESS_TOKEN".',
      fixable: false,
      data: { position },
    });
  }
}

function lintAuthorization(
  h: CurlHeader,
  index: number,
  context: Context,
  lints: CurlLint[],
): void {
  const base = { header: h.name, index };
  if (h.noColon) {
    lints.push({
      code: 'HEADER_MALFORMED',
      severity: 'fail',
      message: `-H "${h.name} …" has no colon after the header name, so curl did not send it: the request went out without credentials.`,
      fix: 'Write the header as -H "Authorization: Bearer $BITBUCKET_ACCESS_TOKEN" (a colon after the name).',
      fixable: true,
      data: { ...base, kind: 'no-colon' },
    });
  }
  const value = h.value.replace(/^[ \t]+/, '');
  if (value.trim() === '') {
    lints.push({
      code: 'HEADER_MALFORMED',
      severity: 'fail',
      message: 'The Authorization header is empty: no credentials were sent.',
      fix: 'Put the scheme and the credentials in it: -H "Authorization: Bearer $BITBUCKET_ACCESS_TOKEN".',
      fixable: false,
      data: { ...base, kind: 'empty' },
    });
    return;
  }
  const m = /^(\S+)([ \t]+)([\s\S]*)$/.exec(value);
  if (!m) {
    // A bare value: no scheme (§2.2: such a header was ignored and the call ran as anonymous).
    if (CANONICAL_SCHEMES[value.toLowerCase()] !== undefined) {
      lints.push({
        code: 'HEADER_MALFORMED',
        severity: 'fail',
        message: `The Authorization header has the scheme ${value} but no credentials after it.`,
        fix: 'Put the token after the scheme: -H "Authorization: Bearer $BITBUCKET_ACCESS_TOKEN".',
        fixable: false,
        data: { ...base, kind: 'no-credentials' },
      });
      return;
    }
    const apiToken = looksLikeApiToken(value);
    lints.push({
      code: 'HEADER_SCHEME_UNKNOWN',
      severity: 'fail',
      message:
        'The Authorization header has no scheme, only the credentials: Bitbucket does not recognise it and answers as if no credentials were sent (public data only, 404 on private repositories; §2.2).',
      fix: apiToken
        ? API_TOKEN_FIX
        : 'Put the scheme before the token: -H "Authorization: Bearer $BITBUCKET_ACCESS_TOKEN".',
      fixable: !apiToken,
      data: { ...base, kind: 'missing' },
    });
    return;
  }
  let scheme = m[1] ?? '';
  const separator = m[2] ?? ' ';
  const credentials = m[3] ?? '';
  if (scheme.endsWith(':')) {
    scheme = scheme.slice(0, -1);
    lints.push({
      code: 'HEADER_MALFORMED',
      severity: 'fail',
      message: `The Authorization header has a colon after the scheme (${scheme}:): the scheme is not recognised with it.`,
      fix: `Remove the colon: -H "Authorization: ${CANONICAL_SCHEMES[scheme.toLowerCase()] ?? scheme} …".`,
      fixable: true,
      data: { ...base, kind: 'scheme-colon' },
    });
  }
  const lower = scheme.toLowerCase();
  const canonical = CANONICAL_SCHEMES[lower];
  if (canonical !== undefined && scheme !== canonical) {
    // §2.1/§2.2: the scheme is case-insensitive by RFC 9110, but Bitbucket Cloud rejects or
    // ignores `bearer` (next-auth #3075, oauthenticator #677, spinnaker #2758).
    lints.push({
      code: 'HEADER_SCHEME_CASE',
      severity: 'fail',
      message: `The Authorization scheme is spelled "${scheme}": Bitbucket Cloud only recognises "${canonical}" and otherwise treats the call as anonymous (§2.2).${lower === 'bearer' ? ' OAuth token responses say token_type "bearer"; the header must still say "Bearer".' : ''}`,
      fix:
        lower === 'basic'
          ? 'Spell it "Basic", or let curl build the header: -u "you@example.com:$BITBUCKET_API_TOKEN".'
          : `Spell it -H "Authorization: ${canonical} $BITBUCKET_ACCESS_TOKEN".`,
      fixable: true,
      data: { ...base, scheme, expected: canonical },
    });
  }
  if (canonical === undefined) {
    const apiToken = looksLikeApiToken(credentials);
    const mechanical = lower === 'token' && !apiToken;
    lints.push({
      code: 'HEADER_SCHEME_UNKNOWN',
      severity: 'fail',
      message:
        lower === 'digest'
          ? 'Bitbucket does not support Digest authentication ("Digest not supported", §2.3).'
          : `The Authorization scheme "${scheme}" is not one Bitbucket knows (Bearer, Basic, or JWT for Connect apps): the header is ignored and the call runs as anonymous (§2.2, §2.3).`,
      fix: apiToken
        ? API_TOKEN_FIX
        : 'Use -H "Authorization: Bearer $BITBUCKET_ACCESS_TOKEN" for an access token, or -u for Basic.',
      fixable: mechanical,
      data: { ...base, kind: lower === 'token' ? 'token' : 'other', scheme },
    });
  }
  if (lower === 'jwt') {
    const jwtGrant = field(context, 'grant_type') === 'urn:bitbucket:oauth2:jwt';
    if (!jwtGrant && !isConnectJwt(credentials) && !isPureReference(credentials)) {
      lints.push({
        code: 'HEADER_SCHEME_UNKNOWN',
        severity: 'fail',
        message:
          'The JWT scheme is only for Atlassian Connect apps (their JWT, or exchanging it at the token endpoint with grant_type=urn:bitbucket:oauth2:jwt; §1.2); other tokens go as Bearer.',
        fix: 'Send an access token as -H "Authorization: Bearer $BITBUCKET_ACCESS_TOKEN".',
        fixable: false,
        data: { ...base, kind: 'jwt', scheme },
      });
    }
  }
  if (separator !== ' ') {
    lints.push({
      code: 'HEADER_MALFORMED',
      severity: 'fail',
      message: `The Authorization header has ${separator.includes('\t') ? 'a tab' : 'several spaces'} between the scheme and the credentials: send exactly one space (§2.1).`,
      fix: `-H "Authorization: ${canonical ?? scheme} …" with one space.`,
      fixable: true,
      data: { ...base, kind: 'spacing' },
    });
  }
  const creds = credentials.replace(/[ \t]+$/, '');
  if (creds === '') {
    lints.push({
      code: 'HEADER_MALFORMED',
      severity: 'fail',
      message: `The Authorization header has the scheme ${scheme} but no credentials after it.`,
      fix: `-H "Authorization: ${canonical ?? scheme} $BITBUCKET_ACCESS_TOKEN".`,
      fixable: false,
      data: { ...base, kind: 'no-credentials' },
    });
    return;
  }
  if (/^(["']).*\1$/s.test(creds)) {
    lints.push({
      code: 'SECRET_WHITESPACE',
      severity: 'fail',
      message:
        'The credentials in the Authorization header are wrapped in quotes, which are sent as part of the token.',
      fix: 'Remove the inner quotes.',
      fixable: true,
      data: { ...base, position: 'the Authorization header', kind: 'quotes' },
    });
  } else if (/\s/.test(withoutReferences(creds))) {
    lints.push({
      code: 'HEADER_MALFORMED',
      severity: 'fail',
      message:
        'The credentials in the Authorization header contain whitespace: a token is one word.',
      fix: 'Check that the token was copied whole and without spaces or line breaks.',
      fixable: false,
      data: { ...base, kind: 'credentials-whitespace' },
    });
  }
  if (lower === 'basic' && !isPureReference(creds)) {
    const decoded = decodeBasic(creds);
    if (decoded) {
      basicCredentialLints(decoded.username, decoded.secret, 'The Basic header', context, lints);
    } else {
      const raw = creds.includes(':');
      lints.push({
        code: 'HEADER_MALFORMED',
        severity: 'fail',
        message: raw
          ? 'The Basic credentials are user:secret in clear: Basic needs them base64-encoded.'
          : 'The Basic credentials are not base64 of user:secret.',
        fix: 'Let curl build the header: -u "you@example.com:$BITBUCKET_API_TOKEN".',
        fixable: raw,
        data: { ...base, kind: raw ? 'basic-not-encoded' : 'basic-not-base64' },
      });
      if (raw) {
        const colon = creds.indexOf(':');
        basicCredentialLints(
          creds.slice(0, colon),
          creds.slice(colon + 1),
          'The Basic header',
          context,
          lints,
        );
      }
    }
  }
  if (lower === 'bearer' && looksLikeApiToken(creds)) {
    lints.push({
      code: 'API_TOKEN_AS_BEARER',
      severity: 'fail',
      message:
        'An API token (ATATT…) is sent as Bearer: Bitbucket answers 401 "Token is invalid, expired, or not supported for this endpoint." (§5.3).',
      fix: API_TOKEN_FIX,
      fixable: false,
      data: { ...base },
    });
  }
}

function secretWhitespaceLint(secret: string, position: Position): CurlLint | undefined {
  if (/^(["']).*\1$/s.test(secret)) {
    return {
      code: 'SECRET_WHITESPACE',
      severity: 'fail',
      message: `The secret in ${position} is wrapped in quotes, which are sent as part of it.`,
      fix: 'Remove the inner quotes.',
      fixable: true,
      data: { position, kind: 'quotes' },
    };
  }
  if (secret !== secret.trim()) {
    return {
      code: 'SECRET_WHITESPACE',
      severity: 'fail',
      message: `The secret in ${position} starts or ends with whitespace (or a line break), which is sent as part of it.`,
      fix: 'Remove the whitespace around the secret.',
      fixable: true,
      data: { position, kind: 'whitespace' },
    };
  }
  return undefined;
}

function lintCredentials(context: Context, lints: CurlLint[]): void {
  const { parsed } = context;
  parsed.headers.forEach((h, index) => {
    if (h.name.toLowerCase() === 'authorization') lintAuthorization(h, index, context, lints);
  });
  if (parsed.user?.secret !== undefined) {
    const ws = secretWhitespaceLint(parsed.user.secret, '-u');
    if (ws) lints.push(ws);
    basicCredentialLints(parsed.user.username, parsed.user.secret.trim(), '-u', context, lints);
  }
  if (parsed.oauth2Bearer !== undefined) {
    const ws = secretWhitespaceLint(parsed.oauth2Bearer, '--oauth2-bearer');
    if (ws) lints.push(ws);
    if (looksLikeApiToken(parsed.oauth2Bearer.trim())) {
      lints.push({
        code: 'API_TOKEN_AS_BEARER',
        severity: 'fail',
        message:
          '--oauth2-bearer sends an API token (ATATT…) as Bearer: Bitbucket answers 401 "Token is invalid, expired, or not supported for this endpoint." (§5.3).',
        fix: API_TOKEN_FIX,
        fixable: false,
        data: { position: '--oauth2-bearer' },
      });
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The URL: scheme, host, path (§1.1, §3.7, §6, §8)
// ---------------------------------------------------------------------------------------------

/** API 1.0 resources kept after the 2019 removal (§6, users-endpoint-10). */
const V1_EXCEPTIONS = [
  /^\/1\.0\/groups(?:\/|$)/,
  /^\/1\.0\/group-privileges(?:\/|$)/,
  /^\/1\.0\/invitations(?:\/|$)/,
  /^\/1\.0\/users\/[^/]+\/invitations(?:\/|$)/,
];

/** The 2.0 equivalent of an API 1.0 path (§6 mapping table), `{workspace}`-style when unknown. */
export function v1Replacement(path: string): string | undefined {
  const p = path.replace(/\/+$/, '');
  const repo = /^\/1\.0\/repositories\/([^/]+)\/([^/]+)(\/.*)?$/.exec(p);
  if (repo) {
    const [, owner = '', slug = '', rest = ''] = repo;
    const base = `/2.0/repositories/${owner}/${slug}`;
    if (rest === '') return base;
    const sub: [RegExp, string][] = [
      [/^\/changesets(?:\/([^/]+))?$/, '/commits'],
      [/^\/branches-tags$/, '/refs'],
      [/^\/branches$/, '/refs/branches'],
      [/^\/tags$/, '/refs/tags'],
      [/^\/(?:raw|src)\/(.*)$/, '/src/'],
      [/^\/issues(\/.*)?$/, '/issues'],
    ];
    for (const [re, target] of sub) {
      const m = re.exec(rest);
      if (!m) continue;
      if (target === '/commits')
        return m[1] === undefined ? `${base}/commits` : `${base}/commit/${m[1]}`;
      if (target === '/src/') return `${base}/src/${m[1] ?? ''}`;
      if (target === '/issues') return `${base}/issues${m[1] ?? ''}`;
      return base + target;
    }
    return undefined;
  }
  if (p === '/1.0/user') return '/2.0/user';
  if (p === '/1.0/user/repositories') return '/2.0/repositories/{workspace}?role=member';
  if (/^\/1\.0\/users\/[^/]+$/.test(p)) return '/2.0/users/{account_id}';
  const priv = /^\/1\.0\/privileges\/([^/]+)(?:\/([^/]+))?$/.exec(p);
  if (priv) {
    return `/2.0/workspaces/${priv[1] ?? ''}/permissions/repositories${priv[2] === undefined ? '' : `/${priv[2]}`}`;
  }
  return undefined;
}

/** Cross-workspace endpoints removed by CHANGE-2770 (§3.7) and the 2020 teams removal (§5.1). */
const REMOVED_ENDPOINTS: [RegExp, string, string][] = [
  [/^\/2\.0\/repositories\/?$/, '/2.0/repositories/{workspace}', 'CHANGE-2770 (2026)'],
  [/^\/2\.0\/workspaces\/?$/, '/2.0/user/workspaces', 'CHANGE-2770 (2026)'],
  [/^\/2\.0\/user\/permissions\/workspaces\/?$/, '/2.0/user/workspaces', 'CHANGE-2770 (2026)'],
  [
    /^\/2\.0\/user\/permissions\/repositories\/?$/,
    '/2.0/repositories/{workspace}?role=member',
    'CHANGE-2770 (2026)',
  ],
  [/^\/2\.0\/teams(?:\/|$)/, '/2.0/workspaces/{workspace}', 'the teams deprecation (2020-10-14)'],
];

function lintUrl(context: Context, lints: CurlLint[]): void {
  const url = context.url;
  if (url === undefined) return;
  const { host } = context;

  if (context.scheme === 'http' && !isLoopbackHost(host)) {
    lints.push({
      code: 'INSECURE_HTTP',
      severity: 'fail',
      message: `The URL ${url.scheme === undefined ? 'has no scheme, so curl used http://' : 'uses http://'}: the credentials crossed the network in clear text.`,
      fix: 'Use https:// (and replace the secret if it was sent over http).',
      fixable: true,
      data: { host },
    });
  }
  if (url.userinfo?.includes(':') === true) {
    lints.push({
      code: 'SECRET_IN_URL',
      severity: 'warn',
      message:
        'The URL carries user:secret before the host: curl sends it as Basic, but it stays in shell history, logs and proxies.',
      fix: 'Move it to -u "user:$BITBUCKET_API_TOKEN" (or -n with a .netrc).',
      fixable: true,
      data: { kind: 'userinfo', location: 'userinfo' },
    });
  }
  if (
    url.query !== undefined &&
    splitParams(url.query).some((p) => p.name.toLowerCase() === 'access_token')
  ) {
    lints.push({
      code: 'SECRET_IN_URL',
      severity: 'fail',
      message:
        'The access token is in the query string (?access_token=): Bitbucket rejects tokens in the query string or the POST body since 2026-05-04; only Authorization: Bearer is accepted (§1.5).',
      fix: 'Send it as -H "Authorization: Bearer $BITBUCKET_ACCESS_TOKEN" and remove access_token from the URL.',
      fixable: true,
      data: { kind: 'query', location: 'query', param: 'access_token' },
    });
  }

  // Path lints work on any host (the simulator runs on 127.0.0.1).
  const path = url.path;
  const website = context.websiteHosts.has(host);
  let correctedPath: string | undefined;
  let kind: string | undefined;
  if (/^\/!api\/2\.0(?:\/|$)/.test(path)) {
    correctedPath = path.replace(/^\/!api/, '');
    kind = '!api';
  } else if (/^\/api\/2\.0(?:\/|$)/.test(path)) {
    correctedPath = path.replace(/^\/api/, '');
    kind = 'api-prefix';
  } else if (website && /^\/2\.0(?:\/|$)/.test(path)) {
    correctedPath = path;
    kind = 'website-host';
  }
  if (kind !== undefined && correctedPath !== undefined) {
    const correctedHost = website
      ? WEBSITE_HOSTS.has(host)
        ? API_HOST
        : (context.apiHost ?? API_HOST)
      : undefined;
    const data: Record<string, unknown> = { kind, host, correctedPath };
    if (correctedHost !== undefined) data['correctedHost'] = correctedHost;
    if (
      correctedHost !== undefined &&
      correctedHost === context.apiHost &&
      context.apiPort !== undefined
    ) {
      data['correctedPort'] = context.apiPort;
    }
    lints.push({
      code: 'WRONG_HOST',
      severity: 'fail',
      message: `${website ? `The host ${host} is the website; the REST API lives on ${API_HOST}` : 'The path is a website route'}${kind === 'website-host' ? '' : ` (${kind === '!api' ? '/!api/2.0' : '/api/2.0'} is not the API)`}: "the domains are not interchangeable" (§1.1, §9.17).`,
      fix: `Call https://${correctedHost ?? host}${correctedPath}.`,
      fixable: true,
      data,
    });
  }
  if (
    context.apiHosts.has(host) &&
    !context.websiteHosts.has(host) &&
    path.startsWith('/site/oauth2/')
  ) {
    const correctedHost =
      host === API_HOST ? 'bitbucket.org' : (context.authHost ?? 'bitbucket.org');
    lints.push({
      code: 'WRONG_HOST',
      severity: 'fail',
      message: `The OAuth endpoints live on the website host (bitbucket.org), not on ${host} (§1.1).`,
      fix: `Call https://${correctedHost}${path}.`,
      fixable: true,
      data: {
        kind: 'oauth-on-api-host',
        host,
        correctedHost,
        correctedPath: path,
        ...(correctedHost === context.authHost && context.authPort !== undefined
          ? { correctedPort: context.authPort }
          : {}),
      },
    });
  }

  const apiPath = path.replace(/^\/!?api(?=\/1\.0(?:\/|$))/, '');
  if (/^\/1\.0(?:\/|$)/.test(apiPath) && !V1_EXCEPTIONS.some((re) => re.test(apiPath))) {
    const replacement = v1Replacement(apiPath);
    const data: Record<string, unknown> = { path };
    if (replacement !== undefined) data['replacement'] = replacement;
    lints.push({
      code: 'API_V1_REMOVED',
      severity: 'fail',
      message:
        'This is an API 1.0 path: API 1.0 was removed on 2019-04-29 and answers 410 "Resource removed", whatever the credentials (§6).',
      fix:
        replacement === undefined
          ? 'Use the 2.0 API: https://developer.atlassian.com/cloud/bitbucket/rest/'
          : `Use the 2.0 equivalent: ${replacement}`,
      fixable: replacement !== undefined && !replacement.includes('{'),
      data,
    });
  }

  const cloud = isCloudHost(host) || context.cloudHosts.has(host);
  const dcRest = /\/rest\/api\/(?:1\.0|latest)\//.test(path);
  const dcRepo = /^(?:\/rest\/api\/(?:1\.0|latest))?\/projects\/[^/]+\/repos\/([^/?#]+)/.exec(path);
  if (cloud && (dcRest || dcRepo)) {
    const data: Record<string, unknown> = { path };
    if (dcRepo?.[1] !== undefined)
      data['replacement'] = `/2.0/repositories/{workspace}/${dcRepo[1]}`;
    lints.push({
      code: 'DATA_CENTER_PATH_ON_CLOUD',
      severity: 'fail',
      message:
        'This is a Bitbucket Data Center path (/rest/api/1.0/..., projects/{KEY}/repos/{slug}) sent to Bitbucket Cloud, which has a different API (§6, §8).',
      fix:
        dcRepo?.[1] === undefined
          ? 'Use the Cloud 2.0 API on api.bitbucket.org: https://developer.atlassian.com/cloud/bitbucket/rest/'
          : `Use the Cloud 2.0 equivalent: /2.0/repositories/{workspace}/${dcRepo[1]}`,
      fixable: false,
      data,
    });
  }

  for (const [re, replacement, why] of REMOVED_ENDPOINTS) {
    if (!re.test(path)) continue;
    lints.push({
      code: 'ENDPOINT_REMOVED',
      severity: 'fail',
      message: `This endpoint was removed by ${why}: it answers 410 (sometimes 404 or 401), whatever the credentials (§3.7).`,
      fix: `Use ${replacement}.`,
      fixable: false,
      data: { path, replacement },
    });
    break;
  }
}

// ---------------------------------------------------------------------------------------------
// The body, the token endpoint (§1.3, §1.5, §1.6) and the method
// ---------------------------------------------------------------------------------------------

function lintBody(context: Context, lints: CurlLint[]): void {
  const { parsed } = context;
  const inFields = context.fields.some((f) => f.name.toLowerCase() === 'access_token');
  const inJson = parsed.data.some((d) => d.flag === '--json' && /"access_token"\s*:/.test(d.value));
  if (inFields || inJson) {
    const location = parsed.get ? 'query' : 'body';
    lints.push({
      code: 'SECRET_IN_URL',
      severity: 'fail',
      message: `The access token is sent ${location === 'query' ? 'in the query string (-G moves the data there)' : 'in the POST body (access_token=)'}: Bitbucket rejects tokens in the query string or the POST body since 2026-05-04; only Authorization: Bearer is accepted (§1.5).`,
      fix: 'Send it as -H "Authorization: Bearer $BITBUCKET_ACCESS_TOKEN" and remove access_token from the data.',
      fixable: inFields,
      data: { kind: parsed.get ? 'get-query' : 'body', location, param: 'access_token' },
    });
  }
}

function hasBasic(parsed: ParsedCurl): boolean {
  if (parsed.user !== undefined || parsed.netrc) return true;
  return parsed.headers.some(
    (h) => h.name.toLowerCase() === 'authorization' && /^basic\s/i.test(h.value),
  );
}

function lintTokenEndpoint(context: Context, lints: CurlLint[]): void {
  if (!context.tokenEndpoint) return;
  const { parsed } = context;
  const grant = field(context, 'grant_type');
  if (grant === 'password') {
    lints.push({
      code: 'PASSWORD_GRANT_REMOVED',
      severity: 'fail',
      message:
        'The password grant (grant_type=password) was removed with account passwords on 2022-03-01 (§1.2).',
      fix: 'Use an API token, an access token, or the client_credentials / authorization_code grant.',
      fixable: false,
      data: { grant },
    });
  }
  if (grant === 'urn:bitbucket:oauth2:jwt') return;
  const idInBody = field(context, 'client_id');
  const secretInBody = field(context, 'client_secret');
  const bearer = parsed.headers.some(
    (h) => h.name.toLowerCase() === 'authorization' && /^bearer\s/i.test(h.value),
  );
  if (hasBasic(parsed) && secretInBody === undefined) return;
  const movable = idInBody !== undefined && secretInBody !== undefined && parsed.user === undefined;
  lints.push({
    code: 'CONSUMER_INVALID',
    severity: 'fail',
    message: bearer
      ? 'The token endpoint takes the OAuth consumer as Basic (client_id:secret), not as Bearer (§1.3).'
      : secretInBody !== undefined
        ? 'The consumer secret is in the body: Bitbucket wants client_id:secret as HTTP Basic ("Requests must be authenticated using OAuth client credentials", §1.3, §1.6).'
        : 'The token endpoint needs the OAuth consumer as HTTP Basic, and the command sends none ("Requests must be authenticated using OAuth client credentials", §1.6).',
    fix: 'Add -u "$BITBUCKET_CLIENT_ID:$BITBUCKET_CLIENT_SECRET".',
    fixable: movable,
    data: { kind: secretInBody === undefined ? 'no-basic' : 'body-credentials' },
  });
}

function lintMethod(context: Context, lints: CurlLint[]): void {
  const method = context.parsed.method;
  const upper = method.toUpperCase();
  if (upper === 'GET' || upper === 'HEAD') return;
  lints.push({
    code: 'WRITE_METHOD_NOT_REPLAYED',
    severity: 'note',
    message: `This is a ${method} request: the doctor replays only read-only requests (GET, HEAD), so it will not send it; it proves the credentials with GET requests instead.${method === upper ? '' : ` Note that curl sends the method exactly as typed ("${method}"), and HTTP methods are case-sensitive.`}`,
    fixable: false,
    data: { method },
  });
}

/**
 * Lints a parsed curl command: unexpanded shell expressions, the Authorization header, the
 * credentials' shape, the URL (scheme, host, path), the body and the token endpoint. Returns the
 * findings in causal order (what blocks everything first); notes last.
 */
export function lintCurl(parsed: ParsedCurl, options: CurlLintOptions = {}): CurlLint[] {
  const context = makeContext(parsed, options);
  const lints: CurlLint[] = [];
  lintUnexpanded(context, lints);
  lintCredentials(context, lints);
  lintUrl(context, lints);
  lintBody(context, lints);
  lintTokenEndpoint(context, lints);
  lintMethod(context, lints);
  return lints;
}

// ---------------------------------------------------------------------------------------------
// Mechanical corrections
// ---------------------------------------------------------------------------------------------

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function stripQuotes(secret: string): string {
  const t = secret.trim();
  return /^(["']).*\1$/s.test(t) ? t.slice(1, -1) : t;
}

function rewriteAuthorization(h: CurlHeader, lint: CurlLint): CurlHeader {
  const kind = str(lint.data?.['kind']);
  const value = h.value.replace(/^[ \t]+/, '');
  const m = /^(\S+?)(:?)([ \t]+)([\s\S]*)$/.exec(value);
  switch (lint.code) {
    case 'HEADER_SCHEME_CASE': {
      if (!m) return h;
      const expected = str(lint.data?.['expected']) ?? m[1] ?? '';
      return { ...h, value: `${expected}${m[2] ?? ''}${m[3] ?? ' '}${m[4] ?? ''}` };
    }
    case 'HEADER_SCHEME_UNKNOWN':
      if (kind === 'missing') return { ...h, value: `Bearer ${value.trim()}` };
      if (kind === 'token' && m) return { ...h, value: `Bearer ${m[4] ?? ''}` };
      return h;
    case 'SECRET_WHITESPACE':
      if (!m) return h;
      return { ...h, value: `${m[1] ?? ''}${m[2] ?? ''}${m[3] ?? ' '}${stripQuotes(m[4] ?? '')}` };
    case 'HEADER_MALFORMED':
      if (kind === 'no-colon') {
        const fixed: CurlHeader = { name: h.name, value: h.value };
        if (h.flag !== undefined) fixed.flag = h.flag;
        return fixed;
      }
      if (!m) return h;
      if (kind === 'spacing') return { ...h, value: `${m[1] ?? ''}${m[2] ?? ''} ${m[4] ?? ''}` };
      if (kind === 'scheme-colon') return { ...h, value: `${m[1] ?? ''} ${m[4] ?? ''}` };
      if (kind === 'basic-not-encoded') {
        const creds = (m[4] ?? '').trim();
        const colon = creds.indexOf(':');
        return {
          ...h,
          value: `${m[1] ?? ''} ${encodeBasic(creds.slice(0, colon), creds.slice(colon + 1))}`,
        };
      }
      return h;
    default:
      return h;
  }
}

/**
 * Applies the fixes of the given lints that are mechanical (`fixable`): the scheme's spelling and
 * spacing, a missing or `token` scheme → Bearer, quotes around a secret, an access token in the
 * query/body → `Authorization: Bearer`, user:secret in the URL → `-u`, http → https, the website
 * host → api.bitbucket.org, `/!api/2.0` → `/2.0`, a concrete API 1.0 path → its 2.0 equivalent,
 * consumer credentials in the token request body → `-u`. Returns a new ParsedCurl (argv rebuilt);
 * the input is not changed.
 */
export function correctCurl(parsed: ParsedCurl, lints: readonly CurlLint[]): ParsedCurl {
  const out: ParsedCurl = structuredClone(parsed);
  const fixes = lints.filter((l) => l.fixable);
  const url = out.url === undefined ? undefined : splitUrl(out.url);
  const tokens: string[] = [];

  for (const lint of fixes) {
    const index = lint.data?.['index'];
    if (typeof index === 'number') {
      const h = out.headers[index];
      if (h) out.headers[index] = rewriteAuthorization(h, lint);
      continue;
    }
    const kind = str(lint.data?.['kind']);
    switch (lint.code) {
      case 'SECRET_WHITESPACE': {
        const position = str(lint.data?.['position']);
        if (position === '-u' && out.user?.secret !== undefined) {
          out.user = { username: out.user.username, secret: stripQuotes(out.user.secret) };
        }
        if (position === '--oauth2-bearer' && out.oauth2Bearer !== undefined) {
          out.oauth2Bearer = stripQuotes(out.oauth2Bearer);
        }
        break;
      }
      case 'SECRET_IN_URL':
        if (url && kind === 'userinfo' && url.userinfo !== undefined) {
          const colon = url.userinfo.indexOf(':');
          out.user ??= {
            username: decodePercent(url.userinfo.slice(0, colon)),
            secret: decodePercent(url.userinfo.slice(colon + 1)),
          };
          delete url.userinfo;
        }
        if (url && kind === 'query' && url.query !== undefined) {
          const kept = splitParams(url.query).filter((p) => {
            if (p.name.toLowerCase() !== 'access_token') return true;
            tokens.push(decodeComponent(p.value));
            return false;
          });
          if (kept.length > 0) url.query = kept.map((p) => p.raw).join('&');
          else delete url.query;
        }
        if (kind === 'body' || kind === 'get-query') out.data = removeAccessToken(out, tokens);
        break;
      case 'INSECURE_HTTP':
        if (url) url.scheme = 'https';
        break;
      case 'WRONG_HOST': {
        if (!url) break;
        const host = str(lint.data?.['correctedHost']);
        const path = str(lint.data?.['correctedPath']);
        if (host !== undefined) {
          url.host = host;
          const port = str(lint.data?.['correctedPort']);
          if (port === undefined) delete url.port;
          else url.port = port;
          if (url.scheme === 'http' && !isLoopbackHost(host)) url.scheme = 'https';
        }
        if (path !== undefined) url.path = path;
        break;
      }
      case 'API_V1_REMOVED': {
        const replacement = str(lint.data?.['replacement']);
        if (url && replacement !== undefined) url.path = replacement;
        break;
      }
      case 'CONSUMER_INVALID':
        if (kind === 'body-credentials') moveConsumerToBasic(out);
        break;
      default:
        break;
    }
  }

  if (url) out.url = joinUrl(url);
  const token = tokens[0];
  const hasAuthorization = out.headers.some((h) => h.name.toLowerCase() === 'authorization');
  if (
    token !== undefined &&
    !hasAuthorization &&
    out.oauth2Bearer === undefined &&
    out.user === undefined
  ) {
    out.headers.push({ name: 'Authorization', value: `Bearer ${token}`, flag: '-H' });
  }
  if (out.explicitMethod !== true) out.method = impliedMethod(out);
  out.argv = toArgv(out);
  return out;
}

/** Removes access_token from the data (collecting its value); drops items left empty. */
function removeAccessToken(parsed: ParsedCurl, tokens: string[]): ParsedCurl['data'] {
  const data: ParsedCurl['data'] = [];
  for (const d of parsed.data) {
    if (d.flag === '--json') {
      data.push(d);
      continue;
    }
    const single = ['-F', '--form', '--form-string', '--data-urlencode'].includes(d.flag);
    if (single) {
      const eq = d.value.indexOf('=');
      if (eq > 0 && d.value.slice(0, eq).toLowerCase() === 'access_token') {
        tokens.push(d.value.slice(eq + 1));
        continue;
      }
      data.push(d);
      continue;
    }
    const kept = splitParams(d.value).filter((p) => {
      if (p.name.toLowerCase() !== 'access_token') return true;
      tokens.push(decodeComponent(p.value));
      return false;
    });
    if (kept.length > 0) data.push({ flag: d.flag, value: kept.map((p) => p.raw).join('&') });
  }
  return data;
}

/** client_id/client_secret from the body to `-u client_id:secret` (§1.3). */
function moveConsumerToBasic(out: ParsedCurl): void {
  let id: string | undefined;
  let secret: string | undefined;
  const data: ParsedCurl['data'] = [];
  for (const d of out.data) {
    if (d.flag === '--json') {
      data.push(d);
      continue;
    }
    const kept = splitParams(d.value).filter((p) => {
      const name = p.name.toLowerCase();
      if (name === 'client_id') id = decodeComponent(p.value);
      else if (name === 'client_secret') secret = decodeComponent(p.value);
      else return true;
      return false;
    });
    if (kept.length > 0) data.push({ flag: d.flag, value: kept.map((p) => p.raw).join('&') });
  }
  if (id === undefined || secret === undefined || out.user !== undefined) return;
  out.user = { username: id, secret };
  out.data = data;
}
