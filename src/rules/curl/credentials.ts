/**
 * Rules about the secrets a curl command carries (bitbucket-auth.md § refs): shell expressions
 * nobody expanded, whitespace or quotes around a secret, and a credential of the wrong kind for
 * the way it is sent (an API token with a username or as Bearer, an access token as Basic).
 */
import { basicCredentialProblems, type AuthorizationProblem } from '../../facts/header-lint.js';
import { findReferences, splitParams, type ShellReference } from '../../intake/curl-url.js';
import {
  isCredentialHeader,
  isSecretParameter,
  looksLikeApiToken,
  SCHEMES,
  SEND_AS,
} from '../../knowledge/wire.js';
import { capitalize, edited, isAuthorization, stripQuotes } from './context.js';
import type { CurlContext, CurlMatch, CurlRule, CurlLintSeverity } from './types.js';

const HEADER = 'the Authorization header';

/** The variable a secret in this position belongs in (contract.md's environment variables). */
function suggestedVariable(position: string, context: CurlContext): string {
  if (position === '-u')
    return context.tokenEndpoint ? 'BITBUCKET_CLIENT_SECRET' : 'BITBUCKET_API_TOKEN';
  if (position === HEADER) {
    const auth = context.parsed.headers.find(isAuthorization);
    const basic = new RegExp(`^${SCHEMES.basic}\\s`, 'iu').test(auth?.value ?? '');
    return basic ? 'BITBUCKET_API_TOKEN' : 'BITBUCKET_ACCESS_TOKEN';
  }
  return 'BITBUCKET_ACCESS_TOKEN';
}

const WHY =
  'bb-doctor never expands variables or runs commands (and single quotes stop your shell from doing it)';

function unexpandedMatch(
  ref: ShellReference,
  position: string,
  context: CurlContext,
  severity: CurlLintSeverity,
): CurlMatch {
  const base = { position, expression: ref.expression, kind: ref.kind };
  if (ref.kind === 'variable') {
    const variable = ref.variable ?? ref.expression;
    return {
      message: `${capitalize(position)} contains ${ref.expression}, which was not expanded: ${WHY}, so the literal text ${ref.expression} would be sent.`,
      hint: `Export ${variable} in your shell (export ${variable}='…'), then pass the command after -- so that the shell expands it: bb-doctor -- curl …`,
      fixable: false,
      severity,
      data: { ...base, variable },
    };
  }
  const variable = suggestedVariable(position, context);
  const source =
    ref.file === undefined ? `the command \`${ref.command ?? ''}\`` : `the file ${ref.file}`;
  return {
    message: `${capitalize(position)} contains ${ref.expression}, which was not run: ${WHY}, so the secret from ${source} never reached the request.`,
    hint: `Read it in your shell first: export ${variable}="${ref.expression}", then use "$${variable}" in the command (or pass the command after -- so that the shell runs it).`,
    fixable: false,
    severity,
    data: {
      ...base,
      suggestedVariable: variable,
      ...(ref.command === undefined ? {} : { command: ref.command }),
      ...(ref.file === undefined ? {} : { file: ref.file }),
    },
  };
}

/** contract.md SECRET_UNEXPANDED: a `fail` in a credential position, a `warn` elsewhere. */
const unexpanded: CurlRule = {
  id: 'unexpanded-reference',
  code: 'SECRET_UNEXPANDED',
  severity: 'fail',
  provenBy: 'credentials',
  detect(context) {
    const { parsed } = context;
    const seen = new Set<string>();
    const out: CurlMatch[] = [];
    const check = (text: string, position: string, severity: CurlLintSeverity = 'fail'): void => {
      for (const ref of findReferences(text)) {
        const key = `${position}\u0000${ref.expression}`;
        if (seen.has(key)) continue;
        seen.add(key);
        out.push(unexpandedMatch(ref, position, context, severity));
      }
    };
    for (const h of parsed.headers) {
      if (isAuthorization(h)) check(h.value, HEADER);
      else check(h.value, `the ${h.name} header`, isCredentialHeader(h.name) ? 'fail' : 'warn');
    }
    if (parsed.user) {
      check(parsed.user.username, '-u');
      if (parsed.user.secret !== undefined) check(parsed.user.secret, '-u');
    }
    if (parsed.oauth2Bearer !== undefined) check(parsed.oauth2Bearer, '--oauth2-bearer');
    if (parsed.url !== undefined) check(parsed.url, 'the URL');
    for (const d of parsed.data) {
      const secret = splitParams(d.value).some((p) => isSecretParameter(p.name));
      check(d.value, d.flag, secret ? 'fail' : 'warn');
    }
    return out;
  },
};

/** contract.md SECRET_WHITESPACE, for `-u` and `--oauth2-bearer` (the header's: header-lint). */
const secretWhitespace: CurlRule = {
  id: 'secret-whitespace',
  code: 'SECRET_WHITESPACE',
  severity: 'fail',
  provenBy: 'credentials',
  detect({ parsed }) {
    const positions: [string, string | undefined][] = [
      ['-u', parsed.user?.secret],
      ['--oauth2-bearer', parsed.oauth2Bearer],
    ];
    return positions.flatMap(([position, secret]): CurlMatch[] => {
      if (secret === undefined) return [];
      if (/^(["']).*\1$/su.test(secret))
        return [
          {
            message: `The secret in ${position} is wrapped in quotes, which are sent as part of it.`,
            hint: 'Remove the inner quotes.',
            fixable: true,
            data: { position, kind: 'quotes' },
          },
        ];
      if (secret !== secret.trim())
        return [
          {
            message: `The secret in ${position} starts or ends with whitespace (or a line break), which is sent as part of it.`,
            hint: 'Remove the whitespace around the secret.',
            fixable: true,
            data: { position, kind: 'whitespace' },
          },
        ];
      return [];
    });
  },
  fix: (parsed, lint) =>
    edited(parsed, (out) => {
      if (lint.data?.['position'] === '-u' && out.user?.secret !== undefined)
        out.user = { username: out.user.username, secret: stripQuotes(out.user.secret) };
      if (lint.data?.['position'] === '--oauth2-bearer' && out.oauth2Bearer !== undefined)
        out.oauth2Bearer = stripQuotes(out.oauth2Bearer);
    }),
};

/** The header's problems of one id, and `-u`'s Basic credentials judged the same way. */
function credentialMatches(
  context: CurlContext,
  id: AuthorizationProblem['id'],
  ref: string,
): CurlMatch[] {
  const fromHeaders = context.authorization.flatMap(({ index, problems }) =>
    problems.filter((p) => p.id === id).map((p) => ({ position: 'The Basic header', p, index })),
  );
  const user = context.parsed.user;
  const fromUser =
    user?.secret === undefined
      ? []
      : basicCredentialProblems(user.username, user.secret.trim(), {
          tokenEndpoint: context.tokenEndpoint,
        })
          .filter((p) => p.id === id)
          .map((p) => ({ position: '-u', p, index: undefined }));
  return [...fromHeaders, ...fromUser].map(({ position, p, index }) => ({
    message: `${position}: ${p.problem} (${ref}).`,
    hint: p.hint,
    fixable: false,
    data: {
      position,
      ...(index === undefined ? {} : { index }),
      ...(p.username === undefined ? {} : { username: p.username }),
    },
  }));
}

/** §5.2 [H]: "The Bitbucket username or the token name will NOT work when using API tokens." */
const apiTokenNeedsEmail: CurlRule = {
  id: 'api-token-needs-email',
  code: 'API_TOKEN_NEEDS_EMAIL',
  severity: 'fail',
  provenBy: 'identity',
  detect: (context) => credentialMatches(context, 'api-token-needs-email', '§5.2'),
};

/** §2.3 [H]: x-token-auth is git's username for access tokens; REST wants them as Bearer. */
const accessTokenAsBasic: CurlRule = {
  id: 'access-token-as-basic',
  code: 'ACCESS_TOKEN_AS_BASIC',
  severity: 'fail',
  provenBy: 'identity',
  detect: (context) => credentialMatches(context, 'access-token-as-basic', '§2.3'),
};

/** §5.3 [H]: an API token as Bearer gets 401 "Token is invalid, expired, or not supported...". */
const apiTokenAsBearer: CurlRule = {
  id: 'api-token-as-bearer',
  code: 'API_TOKEN_AS_BEARER',
  severity: 'fail',
  provenBy: 'identity',
  detect(context) {
    const header = context.authorization.flatMap(({ index, problems }) =>
      problems
        .filter((p) => p.id === 'api-token-as-bearer')
        .map((p) => ({
          message: `${capitalize(p.problem)} (§5.3).`,
          hint: p.hint,
          fixable: false,
          data: { index },
        })),
    );
    const bearer = context.parsed.oauth2Bearer?.trim();
    const flag =
      bearer !== undefined && looksLikeApiToken(bearer)
        ? [
            {
              message:
                '--oauth2-bearer sends an API token as Bearer: Bitbucket answers 401 "Token is invalid, expired, or not supported for this endpoint." (§5.3).',
              hint: `Send an API token as Basic with your Atlassian account email: ${SEND_AS.apiToken}.`,
              fixable: false,
              data: { position: '--oauth2-bearer' },
            },
          ]
        : [];
    return [...header, ...flag];
  },
};

/** The secret rules, in causal order: unexpanded first (nothing else can be judged before it). */
export const UNEXPANDED_RULES: readonly CurlRule[] = [unexpanded];
export const CREDENTIAL_RULES: readonly CurlRule[] = [
  secretWhitespace,
  apiTokenNeedsEmail,
  accessTokenAsBasic,
  apiTokenAsBearer,
];
