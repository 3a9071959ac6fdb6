/**
 * Rules about the URL: one row per kind of problem that src/knowledge/api-versions.ts finds in a
 * URL (the one judgement of URLs in bb-doctor), whose fix applies that problem's edit to the URL
 * as typed. The same edits make `correctedUrl`, so the corrected command and the corrected replay
 * call the same URL.
 */
import { decodeComponent, decodePercent, splitParams, splitUrl } from '../../intake/curl-url.js';
import type { UrlProblemKind } from '../../knowledge/api-versions.js';
import { OAUTH_PARAMS, SEND_AS } from '../../knowledge/wire.js';
import type { FindingCode } from '../../types.js';
import { addBearer, edited, withUrlEdit } from './context.js';
import type { CurlLint, CurlRule } from './types.js';
import type { ParsedCurl } from '../../intake/curl-parse.js';

/** Where the dossier (or the contract) says so. */
const REF: Record<UrlProblemKind, string> = {
  'plain-http': 'contract.md, INSECURE_HTTP',
  'secret-in-userinfo': 'contract.md, SECRET_IN_URL',
  'secret-in-query': '§1.5',
  'website-host': '§1.1',
  'website-prefix': '§9.17',
  'oauth-on-api-host': '§1.1',
  'unversioned-path': '§3.3',
  'api-v1': '§6',
  'removed-endpoint': '§3.7',
  'data-center-path': '§8, §9.17',
};

const urlRule = (
  id: string,
  kind: UrlProblemKind,
  code: FindingCode,
  provenBy: string | undefined,
  own: {
    fix?: (parsed: ParsedCurl, lint: CurlLint) => ParsedCurl;
    hint?: string;
  } = {},
): CurlRule => ({
  id,
  code,
  severity: 'fail',
  ...(provenBy === undefined ? {} : { provenBy }),
  detect: ({ classification }) =>
    (classification?.problems ?? [])
      .filter((p) => p.kind === kind)
      .map((p) => ({
        message: `${p.summary.replace(/\.$/u, '')} (${REF[kind]}).`,
        ...(own.hint !== undefined
          ? { hint: own.hint }
          : p.replacementUrl === undefined
            ? {}
            : { hint: `Call ${p.replacementUrl} instead.` }),
        fixable: p.edit !== undefined && p.edit.placeholder !== true,
        severity: p.severity,
        data: {
          kind,
          ...(p.replacementUrl === undefined ? {} : { replacement: p.replacementUrl }),
          ...(p.params === undefined ? {} : { params: p.params }),
        },
        ...(p.edit === undefined ? {} : { edit: p.edit }),
      })),
  fix: own.fix ?? ((parsed, lint) => withUrlEdit(parsed, lint.edit)),
});

/** user:secret before the host → `-u user:secret` (curl sends it as Basic either way). */
const moveUserinfo = (parsed: ParsedCurl, lint: CurlLint): ParsedCurl => {
  const userinfo = parsed.url === undefined ? undefined : splitUrl(parsed.url).userinfo;
  const moved = edited(parsed, (out) => {
    const colon = userinfo?.indexOf(':') ?? -1;
    if (userinfo !== undefined && colon >= 0)
      out.user ??= {
        username: decodePercent(userinfo.slice(0, colon)),
        secret: decodePercent(userinfo.slice(colon + 1)),
      };
  });
  return withUrlEdit(moved, lint.edit);
};

/** ?access_token= → `Authorization: Bearer` (§1.5); the other secret parameters are dropped. */
const moveQueryToken = (parsed: ParsedCurl, lint: CurlLint): ParsedCurl => {
  const query = parsed.url === undefined ? undefined : splitUrl(parsed.url).query;
  const token = splitParams(query ?? '').find(
    (p) => p.name.toLowerCase() === OAUTH_PARAMS.accessToken,
  );
  return edited(withUrlEdit(parsed, lint.edit), (out) =>
    addBearer(out, token === undefined ? undefined : decodeComponent(token.value)),
  );
};

export const URL_RULES: readonly CurlRule[] = [
  urlRule('insecure-http', 'plain-http', 'INSECURE_HTTP', 'api-version'),
  urlRule('secret-in-userinfo', 'secret-in-userinfo', 'SECRET_IN_URL', undefined, {
    fix: moveUserinfo,
    hint: 'Move it to -u "user:$BITBUCKET_API_TOKEN" (or -n with a .netrc).',
  }),
  urlRule('secret-in-query', 'secret-in-query', 'SECRET_IN_URL', undefined, {
    fix: moveQueryToken,
    hint: `Send the token as ${SEND_AS.bearer} and remove it from the URL.`,
  }),
  urlRule('website-host', 'website-host', 'WRONG_HOST', 'api-version'),
  urlRule('website-prefix', 'website-prefix', 'WRONG_HOST', 'api-version'),
  urlRule('oauth-on-api-host', 'oauth-on-api-host', 'WRONG_HOST', 'api-version'),
  urlRule('unversioned-path', 'unversioned-path', 'WRONG_HOST', 'api-version'),
  urlRule('api-v1-removed', 'api-v1', 'API_V1_REMOVED', 'api-version'),
  urlRule('endpoint-removed', 'removed-endpoint', 'ENDPOINT_REMOVED', 'api-version'),
  urlRule('data-center-path', 'data-center-path', 'DATA_CENTER_PATH_ON_CLOUD', 'api-version'),
];
