import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * Knowledge in one place (design.md): every Bitbucket literal (credential shapes, hosts, Data
 * Center markers, git usernames, API paths, the token endpoint, scope headers, announcement ids,
 * the dates of the timeline) lives in src/knowledge/ with its source. The simulator keeps its own
 * copy on purpose (it must not share tables with the doctor); tests, fixtures, scripts and the
 * README are free to use them. Comments are free too: only string, template and regex literals of
 * the code are read, with TypeScript's own scanner.
 */
const ROOT = new URL('..', import.meta.url).pathname;
const LITERALS: readonly [string, RegExp][] = [
  ['a credential prefix', /\bAT(?:ATT|BB|CTT)|\bBBDC-/u],
  ['a Bitbucket host', /bitbucket\.org/iu],
  ['a Data Center marker', /\bx-a(?:requestid|username|userid|sessionid)\b/iu],
  ['a git username', /\bx-(?:token-auth|bitbucket-api-token-auth)\b/iu],
  ['an API path', /\/(?:1\.0|2\.0)\/|\/rest\/api\b|\/site\/oauth2/u],
  ['a scope header', /\bx-(?:oauth-scopes|accepted-oauth-scopes|credential-type)\b/iu],
  ['an announcement id', /\bCHANGE-\d{4}\b/u],
  [
    'a date of the timeline',
    /\b(?:2019-04-29|2022-03-01|2025-09-09|2026-05-04|2026-06-09|2026-07-28)\b/u,
  ],
];

const sources = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return path.endsWith('.ts') ? [path] : [];
  });

const FREE = ['src/knowledge/', 'src/simulator/'];

/** Every literal of the code (strings, templates, regexes), with its line. */
export const literalsOf = (text: string): { text: string; line: number }[] => {
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, true, ts.LanguageVariant.Standard, text);
  const out: { text: string; line: number }[] = [];
  const lineOf = (pos: number): number => text.slice(0, pos).split('\n').length;
  let previous = ts.SyntaxKind.Unknown;
  // Open braces per template substitution: a `}` that closes a substitution continues the
  // template; any other `}` closes a block.
  const braces: number[] = [];
  for (let kind = scanner.scan(); kind !== ts.SyntaxKind.EndOfFileToken; kind = scanner.scan()) {
    // A slash where an expression starts is a regex, not a division.
    const afterValue = [
      ts.SyntaxKind.Identifier,
      ts.SyntaxKind.CloseParenToken,
      ts.SyntaxKind.CloseBracketToken,
      ts.SyntaxKind.NumericLiteral,
      ts.SyntaxKind.StringLiteral,
    ].includes(previous);
    if (
      (kind === ts.SyntaxKind.SlashToken || kind === ts.SyntaxKind.SlashEqualsToken) &&
      !afterValue
    ) {
      kind = scanner.reScanSlashToken();
    }
    if (kind === ts.SyntaxKind.OpenBraceToken && braces.length > 0) braces[braces.length - 1]! += 1;
    if (kind === ts.SyntaxKind.CloseBraceToken && braces.length > 0) {
      if (braces[braces.length - 1] === 0) {
        kind = scanner.reScanTemplateToken(false);
        if (kind === ts.SyntaxKind.TemplateTail) braces.pop();
      } else braces[braces.length - 1]! -= 1;
    }
    if (kind === ts.SyntaxKind.TemplateHead) braces.push(0);
    if (
      kind === ts.SyntaxKind.StringLiteral ||
      kind === ts.SyntaxKind.NoSubstitutionTemplateLiteral ||
      kind === ts.SyntaxKind.TemplateHead ||
      kind === ts.SyntaxKind.TemplateMiddle ||
      kind === ts.SyntaxKind.TemplateTail ||
      kind === ts.SyntaxKind.RegularExpressionLiteral
    ) {
      out.push({ text: scanner.getTokenText(), line: lineOf(scanner.getTokenStart()) });
    }
    previous = kind;
  }
  return out;
};

describe('knowledge in one place: no Bitbucket literal outside src/knowledge/ and src/simulator/', () => {
  it('the scanner reads literals, not comments', () => {
    const found = literalsOf(
      "// ATATT in a comment\nconst a = 'ATATT3x'; const r = /x-token-auth/u;\nconst t = `${a}/2.0/user`;",
    );
    expect(found.map((f) => f.text)).toEqual([
      "'ATATT3x'",
      '/x-token-auth/u',
      '`${',
      '}/2.0/user`',
    ]);
  });

  const files = [...sources(join(ROOT, 'src')), ...sources(join(ROOT, 'checks'))]
    .map((path) => relative(ROOT, path))
    .filter((path) => !FREE.some((free) => path.startsWith(free)));
  it.each(files)('%s', (file) => {
    const found = literalsOf(readFileSync(join(ROOT, file), 'utf8')).flatMap(({ text, line }) =>
      // A regex spells `bitbucket\.org`: read its escapes as the characters they match.
      LITERALS.filter(([, pattern]) => pattern.test(text.replace(/\\(.)/gu, '$1'))).map(
        ([what]) => `${file}:${line}: ${what} in ${text.slice(0, 80)}`,
      ),
    );
    expect(found, 'move the literal into src/knowledge/ (with its source) and import it').toEqual(
      [],
    );
  });
});
