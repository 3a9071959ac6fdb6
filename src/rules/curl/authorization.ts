/**
 * Rules about the form of the Authorization header: one row per problem of the one Authorization
 * linter (src/facts/header-lint.ts), whose fix is that linter's fix; plus curl's own way of losing
 * the header (no colon after the name). § = bitbucket-auth.md.
 */
import {
  fixAuthorization,
  PROBLEM_CODES,
  type AuthorizationProblemId,
} from '../../facts/header-lint.js';
import { SEND_AS } from '../../knowledge/wire.js';
import type { CurlHeader } from '../../intake/curl-parse.js';
import { withHeader } from './context.js';
import type { CurlRule } from './types.js';

/** Where the dossier says so. */
const REF: Partial<Record<AuthorizationProblemId, string>> = {
  empty: '§2.2',
  'no-credentials': '§2.2',
  'no-scheme': '§2.2',
  'scheme-colon': '§2.1',
  'scheme-case': '§2.2',
  'scheme-unknown': '§2.2, §2.3',
  'scheme-unsupported': '§2.3',
  'jwt-outside-connect': '§1.2',
  spacing: '§2.1',
  'secret-whitespace': 'contract.md, SECRET_WHITESPACE',
  'credentials-whitespace': '§2.1',
  'basic-not-encoded': '§2.3',
  'basic-not-base64': '§2.3',
};

/** The check that proves each code by replay: header-casing for the form, credentials for quotes. */
const PROVEN_BY: Partial<Record<string, string>> = {
  HEADER_MALFORMED: 'header-casing',
  HEADER_SCHEME_CASE: 'header-casing',
  HEADER_SCHEME_UNKNOWN: 'header-casing',
  SECRET_WHITESPACE: 'credentials',
};

/** One row: the linter's problem `id` found in any Authorization header, fixed by the linter. */
const headerRule = (id: AuthorizationProblemId): CurlRule => {
  const code = PROBLEM_CODES[id];
  const provenBy = PROVEN_BY[code];
  return {
    id: `header-${id}`,
    code,
    severity: 'fail',
    ...(provenBy === undefined ? {} : { provenBy }),
    detect: ({ authorization }) =>
      authorization.flatMap(({ index, header, problems }) =>
        problems
          .filter((p) => p.id === id)
          .map((p) => ({
            message: `The ${header.name} header is wrong: ${p.problem} (${REF[id] ?? '§2'}).`,
            hint: p.hint,
            fixable: p.fixable,
            data: {
              header: header.name,
              index,
              scheme: p.scheme,
              ...(p.expected === undefined ? {} : { expected: p.expected }),
            },
          })),
      ),
    fix: (parsed, lint) =>
      withHeader(parsed, lint.data?.['index'], (h) => ({
        ...h,
        value: fixAuthorization(h.value, id),
      })),
  };
};

/**
 * curl does not send `-H 'Authorization Bearer x'` at all (no colon after the name): the request
 * went out without credentials. No other check sees a header curl never sent, so this is
 * curl-command's own verdict.
 */
const noColon: CurlRule = {
  id: 'header-no-colon',
  code: 'HEADER_MALFORMED',
  severity: 'fail',
  detect: ({ authorization }) =>
    authorization
      .filter(({ header }) => header.noColon === true)
      .map(({ index, header }) => ({
        message: `-H "${header.name} …" has no colon after the header name, so curl did not send it: the request went out without credentials.`,
        hint: `Write the header with a colon after the name: ${SEND_AS.bearer}.`,
        fixable: true,
        data: { header: header.name, index },
      })),
  fix: (parsed, lint) =>
    withHeader(parsed, lint.data?.['index'], (h): CurlHeader => ({
      name: h.name,
      value: h.value,
      ...(h.flag === undefined ? {} : { flag: h.flag }),
    })),
};

/**
 * In the linter's causal order. The credential problems it also finds (an API token or an access
 * token sent the wrong way) are rows of credentials.ts, which judge `-u` the same way.
 */
export const AUTHORIZATION_RULES: readonly CurlRule[] = [
  noColon,
  headerRule('empty'),
  headerRule('no-credentials'),
  headerRule('no-scheme'),
  headerRule('scheme-colon'),
  headerRule('scheme-case'),
  headerRule('scheme-unknown'),
  headerRule('scheme-unsupported'),
  headerRule('jwt-outside-connect'),
  headerRule('spacing'),
  headerRule('secret-whitespace'),
  headerRule('credentials-whitespace'),
  headerRule('basic-not-encoded'),
  headerRule('basic-not-base64'),
];
