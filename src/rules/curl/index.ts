/**
 * The curl rules: what people get wrong in a curl command for Bitbucket, found from the command
 * alone (no request is sent), as a table of rules in causal order (ESLint's shape: one row per
 * mistake, `detect` next to its `fix`). `lintCurl` runs the table; `correctCurl` applies the
 * fixes of the lints it is given. The curl-command check runs them; the corrected command of a
 * run is built from them in one place (src/facts/curl-fix.ts).
 */
import { impliedMethod, type ParsedCurl } from '../../intake/curl-parse.js';
import { toArgv } from '../../intake/curl-words.js';
import { AUTHORIZATION_RULES } from './authorization.js';
import { BODY_RULES } from './body.js';
import { makeContext } from './context.js';
import { CREDENTIAL_RULES, UNEXPANDED_RULES } from './credentials.js';
import type { CurlLint, CurlLintOptions, CurlRule } from './types.js';
import { URL_RULES } from './url.js';

export type * from './types.js';

/**
 * Every rule, in causal order: what blocks everything first (an unexpanded secret), then the
 * header's form, the credential's kind, the URL (transport, secrets, host, path), the body and
 * the token endpoint; the note about write methods last.
 */
export const CURL_RULES: readonly CurlRule[] = [
  ...UNEXPANDED_RULES,
  ...AUTHORIZATION_RULES,
  ...CREDENTIAL_RULES,
  ...URL_RULES,
  ...BODY_RULES,
];

const BY_ID = new Map(CURL_RULES.map((rule) => [rule.id, rule]));

/** Runs every rule on a parsed curl command; the lints come in table order. */
export function lintCurl(parsed: ParsedCurl, options: CurlLintOptions = {}): CurlLint[] {
  const context = makeContext(parsed, options);
  return CURL_RULES.flatMap((rule) =>
    rule.detect(context).map((match): CurlLint => ({
      ...match,
      rule: rule.id,
      code: rule.code,
      severity: match.severity ?? rule.severity,
      ...(rule.provenBy === undefined ? {} : { provenBy: rule.provenBy }),
    })),
  );
}

/**
 * Applies the fixes of the given lints that are `fixable`, in order, and rebuilds the method and
 * argv. Returns a new ParsedCurl; the input is not changed.
 */
export function correctCurl(parsed: ParsedCurl, lints: readonly CurlLint[]): ParsedCurl {
  let out = structuredClone(parsed);
  for (const lint of lints) {
    const fix = BY_ID.get(lint.rule)?.fix;
    if (lint.fixable && fix !== undefined) out = fix(out, lint);
  }
  if (out.explicitMethod !== true) out.method = impliedMethod(out);
  out.argv = toArgv(out);
  return out;
}

/** The command with every mechanical fix of its own lints applied. */
export function correctedCurl(parsed: ParsedCurl, options: CurlLintOptions = {}): ParsedCurl {
  return correctCurl(parsed, lintCurl(parsed, options));
}
