import { UsageError } from '../intake/input.js';
import type { Redactor } from '../report/redactor.js';
import type { ParsedArgs } from './args.js';
import { fitLines, wrap } from '../report/layout.js';
import { terminalWidth, writer, type IO } from './io.js';
import { scenarioOf, simulatorOptions } from './simulator-options.js';

/** `simulate`: the simulator in the foreground, one log line per request, until SIGINT/SIGTERM. */
export const simulateCommand = async (
  args: ParsedArgs,
  io: IO,
  redactor: Redactor,
): Promise<number> => {
  const sim = await import('../simulator/index.js');
  const { out, outPublic } = writer(io, redactor);
  const width = terminalWidth(io);
  const scenario = scenarioOf(args, sim);
  const port = args.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`--port expects a number from 0 to 65535, got '${String(port)}'.`);
  const { latencyMs, fault } = simulatorOptions(args, sim);
  let running: Awaited<ReturnType<typeof sim.startSimulator>>;
  try {
    running = await sim.startSimulator({
      scenario,
      port,
      ...(latencyMs === undefined ? {} : { latencyMs }),
      ...(fault === undefined ? {} : { fault }),
      onRequest: (entry) => out(`${sim.formatLogLine(entry)}\n`),
    });
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'EADDRINUSE' || code === 'EACCES')
      throw new UsageError(`cannot listen on 127.0.0.1:${port} (${code}).`);
    throw error;
  }
  outPublic(
    `${fitLines(sim.describeScenario(scenario, running.base, width), width).join('\n')}\n\n${wrap('Logging each request; Ctrl-C stops the simulator.', width).join('\n')}\n`,
  );
  // Until SIGINT/SIGTERM, or until stdout is gone (`simulate | head -1`) or full: a log nobody
  // can read is no reason to keep serving.
  const broken = await new Promise<boolean>((resolve) => {
    const stop = (isBroken: boolean) => (): void => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      resolve(isBroken);
    };
    const onSignal = stop(false);
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    void io.stdoutFailed?.then(stop(true));
  });
  await running.close();
  if (!broken) out('Simulator stopped.\n');
  return 0;
};
