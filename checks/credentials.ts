import { unexpandedExpression, whitespaceProblem } from '../src/intake/credentials.js';
import { fingerprint } from '../src/report/redactor.js';
import { defineCheck } from '../src/types.js';

export default defineCheck({
  meta: {
    id: 'credentials',
    title: 'Credentials are given and well-formed',
    description:
      'A secret with a stray newline, quotes or an unexpanded $VAR never authenticates, and no request can tell you why.',
    codes: ['NO_CREDENTIALS', 'SECRET_UNEXPANDED', 'SECRET_WHITESPACE'],
  },
  run({ input }) {
    const { credentials } = input;
    if (
      credentials.length === 0 &&
      input.offline !== undefined &&
      input.failingRequest === undefined
    ) {
      return {
        verdict: 'skip',
        summary:
          'Skipped: the saved exchange does not show the request, so what was sent is unknown.',
      };
    }
    const emptyHeader = (input.failingRequest?.headers ?? input.headers).find(
      (h) => h.name.toLowerCase() === 'authorization',
    );
    if (credentials.length === 0 && emptyHeader !== undefined) {
      // An Authorization header was sent, only with nothing usable in it: that is header-casing's
      // HEADER_MALFORMED, the more precise cause.
      return {
        verdict: 'skip',
        summary: `Skipped: the Authorization header (${emptyHeader.source}) carries no credential; see header-casing.`,
      };
    }
    if (credentials.length === 0) {
      return {
        verdict: 'fail',
        code: 'NO_CREDENTIALS',
        summary: 'No credentials were given: every request goes out anonymous.',
        remediation: {
          hint: 'Create an API token with scopes and pass it with your Atlassian account email, e.g. export BITBUCKET_EMAIL and BITBUCKET_API_TOKEN.',
          commands: [
            'export BITBUCKET_EMAIL=you@example.com',
            'export BITBUCKET_API_TOKEN=...   # paste the token here',
          ],
          url: 'https://support.atlassian.com/bitbucket-cloud/docs/using-api-tokens',
        },
      };
    }
    const list = credentials.map(
      (c) =>
        `${c.kind} from ${c.source} (sha256:${fingerprint(c.secret)}, ${c.secret.length} chars)`,
    );
    for (const credential of credentials) {
      const unexpanded = unexpandedExpression(credential.raw);
      if (unexpanded !== undefined) {
        const what =
          unexpanded.variable !== undefined
            ? `the variable ${unexpanded.variable}`
            : unexpanded.file !== undefined
              ? `the file ${unexpanded.file}`
              : unexpanded.expression;
        return {
          verdict: 'fail',
          code: 'SECRET_UNEXPANDED',
          summary: `The ${credential.kind} from ${credential.source} is literally ${unexpanded.expression}: the shell never expanded it, so Bitbucket got the text, not the secret.`,
          remediation: {
            hint:
              unexpanded.variable !== undefined
                ? `Export ${unexpanded.variable} in this shell and use double quotes (or none) around it, never single quotes.`
                : `Run the command in a shell that expands ${what}, inside double quotes, not single quotes.`,
            commands:
              unexpanded.variable !== undefined
                ? [
                    `export ${unexpanded.variable}=...   # the secret`,
                    `echo "\${${unexpanded.variable}:+set}"   # prints 'set' when it is`,
                  ]
                : [],
          },
          data: {
            source: credential.source,
            expression: unexpanded.expression,
            ...(unexpanded.variable === undefined ? {} : { variable: unexpanded.variable }),
            ...(unexpanded.file === undefined ? {} : { file: unexpanded.file }),
          },
          details: list,
        };
      }
      const problem = whitespaceProblem(credential.raw);
      if (problem !== undefined) {
        return {
          verdict: 'fail',
          code: 'SECRET_WHITESPACE',
          summary: `The ${credential.kind} from ${credential.source} ${problem}; Bitbucket compares secrets byte for byte.`,
          remediation: {
            hint: 'Remove the whitespace, newline or quotes around the secret (a file read with $(cat ...) keeps a trailing \\r on Windows line endings).',
            commands: ['export BITBUCKET_API_TOKEN="$(tr -d \'\\r\\n\' < token.txt)"'],
          },
          data: { source: credential.source, problem },
          details: list,
        };
      }
    }
    return {
      verdict: 'pass',
      // One credential: its facts; several: kinds and sources (the report lists the rest).
      summary:
        credentials.length === 1
          ? (list[0] ?? '')
          : `${credentials.length} credentials, all well-formed: ${credentials.map((c) => `${c.kind} (${c.source})`).join(', ')}.`,
      data: { count: credentials.length },
      details: [...list, ...credentials.flatMap((c) => c.shapeNotes ?? [])],
    };
  },
});
