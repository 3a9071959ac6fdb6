import { CLOUD_URLS } from '../knowledge/docs.js';
import { isCloudHost } from '../knowledge/hosts.js';
import type { Redactor } from '../report/redactor.js';
import type { Credential } from '../types.js';
import { makeCredential } from './credentials.js';
import { GitCredentialError, gitCredentialFill } from './git-credential.js';
import { UsageError } from './input.js';
import { NetrcError, readNetrc } from './netrc.js';
import { registerSecrets, secretsOf } from './secrets.js';

export interface StoredOptions {
  readonly netrc?: boolean | undefined;
  readonly netrcFile?: string | undefined;
  readonly gitCredential?: boolean | undefined;
  /** The run's `--timeout`, in seconds: how long a .netrc that is a pipe may stay silent. */
  readonly timeout?: number | undefined;
  /** The URL whose host the .netrc entry is for (the failing call's, `--url`); default the API base. */
  readonly netrcUrl?: string | undefined;
}

/**
 * Credentials stored where curl and git keep them: the .netrc machine entry of the API host, and
 * what git's configured credential helper answers for https://bitbucket.org (never prompting).
 * Stale stored credentials are a classic cause of 401s (bitbucket-auth.md §9 item 20).
 */
export const storedCredentials = async (
  options: StoredOptions,
  env: Readonly<Record<string, string | undefined>>,
  apiUrl: string,
  redactor: Redactor,
): Promise<{ credentials: Credential[]; warnings: string[] }> => {
  const credentials: Credential[] = [];
  const warnings: string[] = [];
  if (options.netrc === true || options.netrcFile !== undefined) {
    // The host the run calls, as curl -n looks up the host of its URL.
    const host = new URL(options.netrcUrl ?? apiUrl).hostname;
    let netrc: Awaited<ReturnType<typeof readNetrc>>;
    try {
      netrc = await readNetrc(options.netrcFile, env, host, undefined, {
        timeoutMs: options.timeout === undefined ? undefined : options.timeout * 1000,
      });
    } catch (error) {
      if (error instanceof NetrcError) throw new UsageError(error.message);
      throw error;
    }
    if (!netrc.exists) {
      if (options.netrcFile !== undefined)
        throw new UsageError(`--netrc-file ${options.netrcFile}: no such file.`);
      warnings.push(`--netrc: ${netrc.file} does not exist.`);
    } else if (netrc.entry?.password === undefined) {
      warnings.push(`${netrc.file} has no machine entry (with a password) for ${host}.`);
    } else {
      const { login, password } = netrc.entry;
      registerSecrets(redactor, secretsOf({ stored: { username: login, secret: password } }));
      // A .netrc entry is for one machine: the host it was looked up for, and nowhere else.
      credentials.push({
        ...makeCredential('unknown', password, `netrc:${netrc.file}`, login, 'netrc'),
        storedFor: host,
      });
      if (netrc.worldReadable)
        warnings.push(`${netrc.file} is readable by other users: chmod 600 ${netrc.file}.`);
    }
  }
  if (options.gitCredential === true) {
    // Ask git for the site the run talks to, as git itself would for a clone there: bitbucket.org
    // for Bitbucket Cloud, else the origin the user named with --api-url (a Data Center, the
    // simulator). What git stores for bitbucket.org never goes to another host.
    const site = isCloudHost(new URL(apiUrl).hostname)
      ? CLOUD_URLS.authBase
      : new URL(apiUrl).origin;
    try {
      const answer = await gitCredentialFill(site, {
        timeoutMs: 5000,
        env: env,
        onHelperArguments: (values) => {
          registerSecrets(redactor, secretsOf({ helperArguments: values }));
        },
      });
      if (answer?.password === undefined) {
        warnings.push(
          answer === undefined || answer.helpers.length === 0
            ? `git has no credential helper configured for ${site} (git credential fill found nothing).`
            : `git's credential helpers (${answer.helpers.join(', ')}) gave no credential for ${site}: nothing stored, or an answer git could not read as one.`,
        );
      } else {
        registerSecrets(
          redactor,
          secretsOf({ stored: { username: answer.username, secret: answer.password } }),
        );
        credentials.push({
          ...makeCredential(
            'unknown',
            answer.password,
            `git-credential:${answer.helper ?? 'unknown helper'}`,
            answer.username,
            'git-credential',
          ),
          storedFor: new URL(site).hostname,
        });
      }
    } catch (error) {
      if (error instanceof GitCredentialError)
        warnings.push(`git credential fill: ${error.message}`);
      else throw error;
    }
  }
  return { credentials, warnings };
};

/**
 * Warns when sources disagree, as glab does: a flag or environment variable that overrides a
 * stored credential, or two stored credentials that differ.
 */
export const disagreements = (credentials: readonly Credential[]): string[] => {
  const stored = credentials.filter((c) => /^(?:netrc|git-credential):/u.test(c.source));
  const given = credentials.filter(
    (c) => /^(?:flag|env|header|curl):/u.test(c.source) && c.kind !== 'client-id',
  );
  const out: string[] = [];
  for (const s of stored) {
    for (const g of given) {
      if (g.secret !== s.secret) {
        out.push(
          `${g.source} overrides the credential stored in ${s.source} (listed under Credentials), which differs: the stored one is what git or curl -n would send.`,
        );
      }
    }
  }
  if (stored.length === 2 && stored[0]!.secret !== stored[1]!.secret) {
    out.push(`${stored[0]!.source} and ${stored[1]!.source} hold different secrets.`);
  }
  return out;
};
