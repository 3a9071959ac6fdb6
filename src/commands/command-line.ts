import { readCurl, type CurlRead } from '../intake/curl-input.js';
import { readGit, type GitRead } from '../intake/git-input.js';
import { literalCurls } from '../intake/substitution.js';
import { registerSecrets, secretsOf } from '../intake/secrets.js';
import type { Redactor } from '../report/redactor.js';
import type { IO } from './io.js';

/**
 * Reads a command line before anything else happens: its curl command (after `--` or `--curl`,
 * parsed here once and handed to the run) and the secrets of both inputs, the curl command's and
 * the flags' and environment's, registered before the flags parser or anything else can print.
 */
export const readCommandLine = (
  argv: readonly string[],
  env: IO['env'],
  redactor: Redactor,
): CurlRead & { readonly git: GitRead } => {
  // A pasted command is expanded as the user's shell did it: exported variables from this
  // environment, pure constructions evaluated, curl commands in substitutions kept as steps.
  const curl = readCurl(argv, env);
  if (curl.parsed !== undefined) registerSecrets(redactor, secretsOf({ curl: curl.parsed }));
  for (const step of curl.expanded?.steps ?? [])
    registerSecrets(redactor, secretsOf({ curl: step.curl }));
  for (const inner of literalCurls(curl.parsed?.argv ?? []))
    registerSecrets(redactor, secretsOf({ curl: inner }));
  // A git command's userinfo, -c http.extraHeader and helper options, by their structure.
  const git = readGit(argv, env);
  registerSecrets(redactor, secretsOf({ git }));
  for (const step of git.steps ?? []) registerSecrets(redactor, secretsOf({ curl: step.curl }));
  registerSecrets(redactor, secretsOf({ argv, env }));
  return { ...curl, git };
};
