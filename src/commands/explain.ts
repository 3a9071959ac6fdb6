import { failingRequestOf, mostImportantFailure, OfflineHttp } from '../explain/offline.js';
import { parseCapture, readCapture } from '../explain/parse.js';
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

/** `explain FILE`: a saved exchange diagnosed offline, with the same report as a live run. */
export const explainCommand = async (
  args: ParsedArgs,
  io: IO,
  redactor: Redactor,
): Promise<number> => {
  // yargs hands the positional "-" over as an empty string.
  const file = args.file === undefined || args.file === '' ? '-' : args.file;
  const { text, name } = await readCapture(file, io.stdin ?? process.stdin);
  const capture = parseCapture(text, name);
  registerSecrets(redactor, secretsOf({ capture: capture.exchanges }));
  const failing = mostImportantFailure(capture.exchanges);
  const failingRequest = failing === undefined ? undefined : failingRequestOf(failing, name);
  return runCommand(args, io, redactor, {
    mode: 'explain',
    offline: { file: name, format: capture.format, exchanges: capture.exchanges },
    http: new OfflineHttp(capture.exchanges),
    ...(failingRequest === undefined ? {} : { failingRequest }),
    // The credentials of every captured request: a redirect may have dropped them from the
    // answer that matters, and that is a finding, not "no credentials".
    headers: capturedAuthHeaders(capture.exchanges, name),
  });
};
