import { capturedRequestFacts, type CapturedRequestFacts } from '../src/facts/captured-request.js';
import { REMEDY } from '../src/knowledge/remedies.js';
import { placeholderOutcome, unknownOutcome } from '../src/facts/placeholder.js';
import {
  suspectCharacter,
  unexpandedExpression,
  whitespaceProblem,
} from '../src/intake/credentials.js';
import { credentialMarkName } from '../src/report/model.js';
import { fingerprintFor } from '../src/report/redactor.js';
import { defineCheck, type Credential, type DoctorInput, type Outcome } from '../src/types.js';

/** The credentials of the run and, in explain, what the capture shows of the failing request. */
export interface CredentialsFacts {
  /** Given (live), or found in the capture's credential headers (explain). */
  readonly credentials: readonly Credential[];
  /** Where an Authorization header without any credential in it was given (HEADER_MALFORMED). */
  readonly emptyAuthorization?: string | undefined;
  /** A credential of the call the user's shell computed, unknown here. */
  readonly unknown?: NonNullable<DoctorInput['failingRequest']>['unknownCredential'];
  /** Explain only: the failing request as captured. */
  readonly capture?: CapturedRequestFacts;
}

const given = (input: DoctorInput): CredentialsFacts => ({
  credentials: input.credentials,
  emptyAuthorization: (input.failingRequest?.headers ?? input.headers).find(
    (h) => h.name.toLowerCase() === 'authorization' && h.computed === undefined,
  )?.source,
  unknown: input.failingRequest?.unknownCredential,
});

const NO_CREDENTIALS_FIX = {
  ...REMEDY.NO_CREDENTIALS,
  commands: [
    'export BITBUCKET_EMAIL=you@example.com',
    'export BITBUCKET_API_TOKEN=...   # paste the token here',
  ],
};

/** Pure: nothing given, then each secret's form (unexpanded, whitespace), in order. */
export const judge = (facts: CredentialsFacts): Outcome => {
  const { credentials, capture } = facts;
  if (credentials.length === 0 && capture !== undefined && capture.request === undefined) {
    return {
      verdict: 'skip',
      summary:
        'Skipped: the saved exchange does not show the request, so what was sent is unknown.',
    };
  }
  if (credentials.length === 0 && facts.emptyAuthorization !== undefined) {
    // An Authorization header was sent, only with nothing usable in it: that is header-casing's
    // HEADER_MALFORMED, the more precise cause.
    return {
      verdict: 'skip',
      summary: `Skipped: the Authorization header (${facts.emptyAuthorization}) carries no credential; see header-casing.`,
    };
  }
  if (credentials.length === 0 && capture?.endpointGone !== undefined) {
    // No credential would make a removed endpoint answer: api-version's finding is the diagnosis.
    return {
      verdict: 'skip',
      summary: `Skipped: the captured request (${capture.request ?? '?'}) carries no credentials, but no credential would help: ${capture.endpointGone.summary} (see api-version).`,
      data: { anonymous: true, endpointGone: capture.endpointGone.code },
    };
  }
  if (credentials.length === 0 && capture?.secretElsewhere !== undefined) {
    return {
      verdict: 'skip',
      summary: `Skipped: the captured request (${capture.request ?? '?'}) carries its secret in ${capture.secretElsewhere}, not in an Authorization header (see ${capture.see ?? 'token-fetch and api-version'}).`,
      data: { anonymous: false, secretIn: capture.secretElsewhere },
    };
  }
  if (credentials.length === 0 && facts.unknown !== undefined)
    return unknownOutcome(facts.unknown, NO_CREDENTIALS_FIX);
  if (credentials.length === 0) {
    return {
      verdict: 'fail',
      code: 'NO_CREDENTIALS',
      summary:
        capture === undefined
          ? 'No credentials were given: every request goes out anonymous.'
          : `The captured request (${capture.request ?? '?'}) carries no credentials: it went out anonymous.`,
      remediation: NO_CREDENTIALS_FIX,
      ...(capture === undefined ? {} : { data: { anonymous: true, captured: true } }),
    };
  }
  const list = credentials.map(
    (c, i) =>
      `${c.kind} from ${c.source} (${credentialMarkName({ fingerprint: fingerprintFor(c.secret, c.kind) }, i)}, ${c.secret.length} chars)`,
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
    const bad = suspectCharacter(credential.raw, credential.kind);
    if (bad !== undefined) {
      // The position and the code point only: never the secret or a part of it.
      return {
        verdict: 'fail',
        code: bad.whitespace ? 'SECRET_WHITESPACE' : 'HEADER_MALFORMED',
        summary: `The ${credential.kind} from ${credential.source}: character ${bad.position} is ${bad.described} It was not sent: ${bad.whitespace ? 'Bitbucket compares secrets byte for byte' : 'it has no place in a secret sent in an HTTP header'}.`,
        remediation: {
          hint: 'Copy the secret again from where it was created (or type that character), as plain text, and check it with the command below.',
          commands: [
            'printf %s "$BITBUCKET_API_TOKEN" | LC_ALL=C grep -n "[^ -~]" && echo "non-ASCII left"',
          ],
        },
        data: {
          source: credential.source,
          position: bad.position,
          character: bad.described.split(' ')[0],
        },
        details: list,
      };
    }
  }
  const placeholder = placeholderOutcome(credentials, list);
  if (placeholder !== undefined) return placeholder;
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
};

export default defineCheck({
  meta: {
    id: 'credentials',
    title: 'Credentials are given and well-formed',
    description:
      'A secret with a stray newline, quotes or an unexpanded $VAR never authenticates, and no request can tell you why.',
    codes: [
      'NO_CREDENTIALS',
      'SECRET_UNEXPANDED',
      'SECRET_WHITESPACE',
      'HEADER_MALFORMED',
      'TOKEN_INVALID',
    ],
  },
  gather: ({ input }): CredentialsFacts => given(input),
  fromCapture: ({ input }, capture): CredentialsFacts => ({
    ...given(input),
    capture: capturedRequestFacts(input, capture),
  }),
  judge,
});
