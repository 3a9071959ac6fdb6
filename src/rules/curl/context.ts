/**
 * The context every curl rule reads (built once per command), and the small edits the rules'
 * fixes share. The URL is judged by src/knowledge/api-versions.ts and the Authorization headers by
 * src/facts/header-lint.ts: the rules only turn those verdicts into lints and fixes.
 */
import { authorizationProblems } from '../../facts/header-lint.js';
import type { CurlHeader, ParsedCurl } from '../../intake/curl-parse.js';
import { decodeComponent, joinUrl, splitParams, splitUrl } from '../../intake/curl-url.js';
import { applyUrlEdit, classifyUrl, type UrlEdit } from '../../knowledge/api-versions.js';
import { GRANTS, isTokenEndpointPath, OAUTH_PARAMS, SCHEMES } from '../../knowledge/wire.js';
import type { CurlContext, CurlField, CurlLintOptions } from './types.js';

const AUTHORIZATION = 'authorization';

/** `-F`, `--form-string` and `--data-urlencode` hold one `name=value` each; `-d` may hold several. */
export const SINGLE_FIELD_FLAGS: readonly string[] = [
  '-F',
  '--form',
  '--form-string',
  '--data-urlencode',
];

function formFields(parsed: ParsedCurl): CurlField[] {
  const fields: CurlField[] = [];
  parsed.data.forEach((d, item) => {
    if (d.flag === '--json') return;
    if (SINGLE_FIELD_FLAGS.includes(d.flag)) {
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
    for (const p of splitParams(d.value))
      fields.push({ name: p.name, value: decodeComponent(p.value), item, flag: d.flag });
  });
  return fields;
}

/** The value of a form field (name in any case). */
export function field(context: CurlContext, name: string): string | undefined {
  return context.fields.find((f) => f.name.toLowerCase() === name)?.value;
}

export function isAuthorization(header: CurlHeader): boolean {
  return header.name.toLowerCase() === AUTHORIZATION;
}

export function makeContext(parsed: ParsedCurl, options: CurlLintOptions = {}): CurlContext {
  const url = parsed.url === undefined ? undefined : splitUrl(parsed.url);
  // curl's default scheme is http (curl(1): "If you specify URL without protocol:// prefix...").
  const effective =
    url === undefined ? undefined : joinUrl({ ...url, scheme: url.scheme ?? 'http' });
  const fields = formFields(parsed);
  const grant = fields.find((f) => f.name.toLowerCase() === OAUTH_PARAMS.grantType)?.value;
  const tokenEndpoint = url !== undefined && isTokenEndpointPath(url.path);
  const jwtGrant = grant === GRANTS.jwt;
  return {
    parsed,
    ...(url === undefined ? {} : { url }),
    ...(effective === undefined ? {} : { classification: classifyUrl(effective, options) }),
    tokenEndpoint,
    jwtGrant,
    fields,
    authorization: parsed.headers.flatMap((header, index) =>
      isAuthorization(header)
        ? [
            {
              index,
              header,
              problems: authorizationProblems(header.value, { jwtGrant, tokenEndpoint }),
            },
          ]
        : [],
    ),
  };
}

// ---------------------------------------------------------------------------------------------
// Edits shared by the fixes (each on a copy: a fix never changes its input)
// ---------------------------------------------------------------------------------------------

export function edited(parsed: ParsedCurl, change: (out: ParsedCurl) => void): ParsedCurl {
  const out = structuredClone(parsed);
  change(out);
  return out;
}

/** The header at `index` with its value rewritten. */
export function withHeader(
  parsed: ParsedCurl,
  index: unknown,
  rewrite: (header: CurlHeader) => CurlHeader,
): ParsedCurl {
  return edited(parsed, (out) => {
    const header = typeof index === 'number' ? out.headers[index] : undefined;
    if (header !== undefined) out.headers[index as number] = rewrite(header);
  });
}

/** The URL with one of the knowledge's fixes applied, as typed otherwise. */
export function withUrlEdit(parsed: ParsedCurl, edit: UrlEdit | undefined): ParsedCurl {
  if (edit === undefined || parsed.url === undefined) return parsed;
  const url = parsed.url;
  return edited(parsed, (out) => {
    out.url = joinUrl(applyUrlEdit(splitUrl(url), edit));
  });
}

/** Quotes and outer whitespace removed from a secret. */
export function stripQuotes(secret: string): string {
  const t = secret.trim();
  return /^(["']).*\1$/su.test(t) ? t.slice(1, -1) : t;
}

/** Sends `token` as `Authorization: Bearer` unless the command already authenticates otherwise. */
export function addBearer(out: ParsedCurl, token: string | undefined): void {
  if (token === undefined) return;
  if (out.headers.some(isAuthorization) || out.oauth2Bearer !== undefined || out.user !== undefined)
    return;
  out.headers.push({ name: 'Authorization', value: `${SCHEMES.bearer} ${token}`, flag: '-H' });
}

/**
 * Removes the fields named `names` from the data (collecting their values); items left empty are
 * dropped. `--json` bodies stay as they are.
 */
export function takeFields(out: ParsedCurl, names: readonly string[]): Record<string, string> {
  const taken: Record<string, string> = {};
  const wanted = (name: string): boolean => names.includes(name.toLowerCase());
  const data: ParsedCurl['data'] = [];
  for (const d of out.data) {
    if (d.flag === '--json') {
      data.push(d);
      continue;
    }
    if (SINGLE_FIELD_FLAGS.includes(d.flag)) {
      const eq = d.value.indexOf('=');
      const name = eq > 0 ? d.value.slice(0, eq) : '';
      if (wanted(name)) taken[name.toLowerCase()] ??= d.value.slice(eq + 1);
      else data.push(d);
      continue;
    }
    const kept = splitParams(d.value).filter((p) => {
      if (!wanted(p.name)) return true;
      taken[p.name.toLowerCase()] ??= decodeComponent(p.value);
      return false;
    });
    if (kept.length > 0) data.push({ flag: d.flag, value: kept.map((p) => p.raw).join('&') });
  }
  out.data = data;
  return taken;
}

export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
