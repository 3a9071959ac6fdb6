/**
 * identity's judgement of a refusal: which mistake, from the credential's kind as sent, the
 * answer's documented signature (bitbucket-auth.md §3.4, §3.5, §5.2, §5.3, §2.3) and the
 * experiment, when there was one. Pure.
 */
import { GIT_ACCESS_TOKEN_USER, KIND_WITH_SHAPE } from '../../src/knowledge/shapes.js';
import { CREDENTIAL_HEADERS } from '../../src/knowledge/headers.js';
import { refreshCommand, remedy } from '../../src/knowledge/remedies.js';
import { tokenEndpointUrl } from '../../src/knowledge/oauth.js';
import { shellWord } from '../../src/knowledge/shell.js';
import { DOCS } from '../../src/knowledge/docs.js';
import { matchSignatures } from '../../src/knowledge/signatures.js';
import { appPasswordStatus, day } from '../../src/knowledge/timeline.js';
import type { HttpResult, Outcome } from '../../src/types.js';
import { fail, type IdentityFacts, proofOf, works } from './judge.js';
import { judgeUnseen, rejected } from './unseen.js';
import { facts, said } from './words.js';

/** Capitalised, for a sentence's start. */
const cap = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

export const signaturesOf = (result: HttpResult) =>
  matchSignatures(result.exchange.response ?? { status: 0, headers: {}, body: '' });

/** A refusal: which mistake, from the credential's kind, the answer and the experiment. */
export const judgeRejected = (f: IdentityFacts, result: HttpResult): Outcome => {
  const signatures = signaturesOf(result);
  const ids = signatures.map((s) => s.id);
  const codes: readonly string[] = signatures.map((s) => s.code);
  const answer = said(result);
  const sent = f.sent;
  const command = (auth: string): string[] => [`curl ${auth} ${shellWord(f.url)}`];
  const BASIC = '-u "$BITBUCKET_EMAIL:$BITBUCKET_API_TOKEN"';
  const BEARER = '-H "Authorization: Bearer $BITBUCKET_ACCESS_TOKEN"';
  const experiment = f.experiment;
  const proven = experiment !== undefined && works(experiment.result);
  const proof = experiment === undefined ? undefined : proofOf(f);
  const withProof = {
    ...(proof === undefined ? {} : { proof }),
    ...(proven ? { working: experiment.auth } : {}),
  };

  if (sent === undefined || !f.requestKnown) return judgeUnseen(f, result, ids);
  const kind = sent.kind;
  const email = sent.username?.includes('@') === true;

  if (kind === 'api-token' && sent.scheme === 'Bearer') {
    return fail(
      'API_TOKEN_AS_BEARER',
      proven
        ? `The API token was sent as Bearer and refused (${answer}); as Basic with ${f.email ?? 'the email'} it works (${experiment.result.status ?? '?'}).`
        : `${cap(KIND_WITH_SHAPE['api-token'])} was sent as Bearer and refused (${answer}); Bitbucket only accepts it as Basic with the Atlassian account email.`,
      {
        hint: proven
          ? 'Send the API token as HTTP Basic with your Atlassian account email: curl -u "$BITBUCKET_EMAIL:$BITBUCKET_API_TOKEN".'
          : 'Send the API token as HTTP Basic with your Atlassian account email (set --email or BITBUCKET_EMAIL), not as Bearer.',
        commands: command(BASIC),
        url: DOCS.apiTokens,
      },
      { ...withProof, data: { ...(proven ? facts(experiment.result) : {}), fixVerified: proven } },
    );
  }
  if (kind === 'api-token' && sent.scheme === 'Basic' && !email) {
    if (experiment !== undefined && !proven) {
      if (signaturesOf(experiment.result).some((s) => s.id === 'cloud-token-invalid')) {
        return fail(
          'API_TOKEN_UNSCOPED',
          `Refused with the username and with the email ${f.email ?? ''}: ${said(experiment.result)}; a classic API token without Bitbucket scopes (or an expired one) answers this way.`,
          remedy('API_TOKEN_UNSCOPED'),
          { ...withProof, data: { fixVerified: false } },
        );
      }
    }
    const user = sent.username === undefined || sent.username === '' ? '(none)' : sent.username;
    return fail(
      'API_TOKEN_NEEDS_EMAIL',
      proven
        ? `The API token was sent with the username ${user} and refused (${result.status ?? '?'}); with the account email ${f.email ?? ''} it works (${experiment.result.status ?? '?'}).`
        : f.captured
          ? `The captured request sent ${KIND_WITH_SHAPE['api-token']} with the username ${user} and it was refused (${answer}); for REST, Bitbucket wants the Atlassian account email.`
          : `The API token was sent with the username ${user} and refused (${answer}); API tokens want the Atlassian account email for REST.`,
      proven
        ? {
            hint: `Use your Atlassian account email (${f.email ?? ''}) as the username with an API token; the Bitbucket username only works for git.`,
            commands: command(BASIC),
            url: DOCS.getting401KB,
          }
        : {
            hint: 'Pass your Atlassian account email (the one you log in with at id.atlassian.com) with --email or BITBUCKET_EMAIL; the username only works for git.',
            commands: f.captured ? command(BASIC) : ['export BITBUCKET_EMAIL=you@example.com'],
            url: DOCS.getting401KB,
          },
      { ...withProof, data: { ...(proven ? facts(experiment.result) : {}), fixVerified: proven } },
    );
  }
  if (kind === 'api-token') {
    // §5.3, §9.4: with the email, "Token is invalid…" means a classic token without Bitbucket scopes.
    const unscoped = codes.includes('TOKEN_INVALID');
    return unscoped
      ? fail(
          'API_TOKEN_UNSCOPED',
          `The API token was refused with the email ${sent.username ?? f.email ?? ''}: ${answer}. A classic token without Bitbucket scopes, or an expired or revoked one, answers this way.`,
          remedy('API_TOKEN_UNSCOPED'),
        )
      : fail(
          'TOKEN_INVALID',
          `The API token was refused with the email ${sent.username ?? f.email ?? ''}: ${answer}. The email may not be the token owner's, or the token was revoked.`,
          {
            hint: 'Check that the email is the account that created the token, or create a new API token with scopes.',
            url: DOCS.apiTokens,
          },
        );
  }
  // §5.1: before the brownouts (2026-06-09) an app password still worked, so its refusal (with
  // the username) is some other mistake; from then on, and with the email, the app password is it.
  const appPasswordGone = ['brownouts', 'removed'].includes(appPasswordStatus(f.date));
  if (
    codes.includes('APP_PASSWORD_REMOVED') ||
    (kind === 'app-password' && (appPasswordGone || email))
  ) {
    return judgeAppPassword(f, answer, email, command(BASIC));
  }
  if (kind === 'account-password' || codes.includes('ACCOUNT_PASSWORD_REJECTED')) {
    return fail(
      'ACCOUNT_PASSWORD_REJECTED',
      `The account password was refused (${answer}): Bitbucket Cloud rejects account passwords for the API since ${day('account-passwords-rejected')}.`,
      remedy('ACCOUNT_PASSWORD_REJECTED', f.captured ? command(BASIC) : undefined),
    );
  }
  if (sent.scheme === 'Basic') {
    if (proven || kind === 'access-token' || sent.username === GIT_ACCESS_TOKEN_USER) {
      const type = experiment?.result.header(CREDENTIAL_HEADERS.credentialType);
      return fail(
        'ACCESS_TOKEN_AS_BASIC',
        proven
          ? `The token was sent with Basic and refused (${result.status ?? '?'}); as Bearer it works (${experiment.result.status ?? '?'}${type === undefined ? '' : `, ${type}`}).`
          : `${f.captured ? 'The captured request sent' : 'It sent'} an access token with Basic (${sent.describe}) and it was refused (${answer}); REST wants it as "Authorization: Bearer <token>".`,
        remedy('ACCESS_TOKEN_AS_BASIC', command(BEARER)),
        {
          ...withProof,
          data: { ...(proven ? facts(experiment.result) : {}), fixVerified: proven },
        },
      );
    }
    return rejected(
      f,
      result,
      `Basic credentials were refused (${answer}; ${f.captured ? 'the captured request sent' : 'sent as'} ${sent.describe})${experiment === undefined ? '' : ' and the secret does not work as Bearer either'}.`,
    );
  }
  if (codes.includes('TOKEN_EXPIRED')) {
    return fail(
      'TOKEN_EXPIRED',
      `The access token has expired (${answer}); Bitbucket OAuth access tokens live 2 hours.`,
      remedy('TOKEN_EXPIRED', [
        refreshCommand(f.authUrl === undefined ? undefined : tokenEndpointUrl(f.authUrl)),
      ]),
    );
  }
  return fail(
    'TOKEN_INVALID',
    `Bitbucket does not recognise the token (${answer}).`,
    remedy('TOKEN_INVALID'),
  );
};

/** §5.1: app passwords fail from the brownouts (2026-06-09) and are gone since 2026-07-28. */
const judgeAppPassword = (
  f: IdentityFacts,
  answer: string,
  email: boolean,
  commands: string[],
): Outcome => {
  const status = appPasswordStatus(f.date);
  const when =
    status === 'removed'
      ? `were removed on ${day('app-passwords-removed')}`
      : `are being removed (brownouts since ${day('app-password-brownouts-start')}, removal ${day('app-passwords-removed')})`;
  return fail(
    'APP_PASSWORD_REMOVED',
    email
      ? `${cap(KIND_WITH_SHAPE['app-password'])} was sent with the email ${f.sent?.username ?? ''}: app passwords only ever worked with the Bitbucket username, and they ${when}.`
      : `An app password was refused (${answer}): app passwords ${when}.`,
    {
      hint: 'Create an API token with scopes and use it with your Atlassian account email (REST) or your username (git).',
      commands: f.captured
        ? commands
        : ['export BITBUCKET_EMAIL=you@example.com BITBUCKET_API_TOKEN=...   # the new token'],
      url: DOCS.apiTokens,
    },
  );
};
