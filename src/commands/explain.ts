import { failingRequestOf, mostImportantFailure, OfflineHttp } from '../explain/offline.js';
import { parseCapture, readCapture } from '../explain/parse.js';
import { withStandIns } from '../explain/stand-ins.js';
import { registerSecrets, secretsOf } from '../intake/secrets.js';
import type { Redactor } from '../report/redactor.js';
import type { Exchange, GivenHeader } from '../types.js';
import type { ParsedArgs } from './args.js';
import type { IO } from './io.js';
import { runCommand } from './run.js';

/** Distinct credential-bearing request headers of a capture, each once. */
const capturedAuthHeaders = (exchanges: readonly Exchange[], file: string): GivenHeader[] => {
  const seen = new Set<string>();
  const out: GivenHeader[] = [];
  exchanges.forEach((exchange, index) => {
    for (const [name, value] of Object.entries(exchange.request.headers)) {
      if (
        !/^(authorization|x-.*token.*|private-token)$/iu.test(name) ||
        seen.has(`${name}:${value}`)
      )
        continue;
      seen.add(`${name}:${value}`);
      out.push({
        name: name === 'authorization' ? 'Authorization' : name,
        value,
        source: `capture:${file} #${index + 1}`,
      });
    }
  });
  return out;
};

/**
 * The environment of an explain run without the secrets of the shell: explain judges what the
 * capture shows, and a token exported in this shell (BITBUCKET_API_TOKEN…) was not in it.
 */
const withoutSecrets = (
  env: Readonly<Record<string, string | undefined>>,
): Record<string, string | undefined> =>
  Object.fromEntries(
    Object.entries(env).filter(([name]) => !/^BITBUCKET_.*(?:TOKEN|PASSWORD|SECRET)$/u.test(name)),
  );

/** `explain FILE`: a saved exchange diagnosed offline, with the same report as a live run. */
export const explainCommand = async (
  args: ParsedArgs,
  io: IO,
  redactor: Redactor,
): Promise<number> => {
  // yargs hands the positional "-" over as an empty string.
  const file = args.file === undefined || args.file === '' ? '-' : args.file;
  const { text, name } = await readCapture(file, io.stdin ?? process.stdin);
  const parsed = parseCapture(text, name);
  registerSecrets(redactor, secretsOf({ capture: parsed.exchanges }));
  const { exchanges, byStandIn } = withStandIns(
    {
      file: name,
      format: parsed.format,
      exchanges: parsed.exchanges,
      ...(parsed.credentials === undefined ? {} : { credentials: parsed.credentials }),
    },
    redactor,
  );
  const failing = mostImportantFailure(exchanges);
  const failingRequest = failing === undefined ? undefined : failingRequestOf(failing, name);
  return runCommand(args, { ...io, env: withoutSecrets(io.env) }, redactor, {
    mode: 'explain',
    offline: {
      file: name,
      format: parsed.format,
      exchanges,
      ...(parsed.credentials === undefined ? {} : { credentials: parsed.credentials }),
    },
    http: new OfflineHttp(exchanges),
    ...(failingRequest === undefined ? {} : { failingRequest }),
    // The credentials of every captured request: a redirect may have dropped them from the
    // answer that matters, and that is a finding, not "no credentials".
    headers: capturedAuthHeaders(exchanges, name),
    standIns: byStandIn,
  });
};
