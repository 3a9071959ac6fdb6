import { UsageError } from '../intake/input.js';
import { quoted } from '../intake/quote.js';
import type { AnyScenario, FaultMode } from '../simulator/index.js';
import type { ParsedArgs } from './args.js';

export type Sim = typeof import('../simulator/index.js');

/** --latency-ms and --fault of demo and simulate, checked. */
export const simulatorOptions = (
  args: ParsedArgs,
  sim: Sim,
): { latencyMs?: number; fault?: FaultMode } => {
  const latency = args.latencyMs;
  if (latency !== undefined && (!Number.isFinite(latency) || latency < 0 || latency > 60_000)) {
    throw new UsageError(
      `--latency-ms expects milliseconds from 0 to 60000, got '${String(latency)}'.`,
    );
  }
  if (args.fault !== undefined && !sim.isFaultMode(args.fault)) {
    throw new UsageError(
      `--fault expects one of ${sim.FAULT_MODES.join(', ')}, got ${quoted(args.fault)}.`,
    );
  }
  return {
    ...(latency === undefined || latency === 0 ? {} : { latencyMs: latency }),
    ...(args.fault !== undefined && sim.isFaultMode(args.fault) ? { fault: args.fault } : {}),
  };
};

/**
 * The scenario of demo's positional or simulate's --scenario; unknown is a usage error. simulate's
 * --product picks the default (`dc-healthy` for data-center) and must match the scenario's product.
 */
export const scenarioOf = (args: ParsedArgs, sim: Sim): AnyScenario => {
  const product = args.product;
  if (product !== undefined && product !== 'cloud' && product !== 'data-center')
    throw new UsageError(`--product expects cloud or data-center, got ${quoted(product)}.`);
  const name =
    args.scenario ??
    (product === 'data-center' ? sim.defaultDcScenarioName : sim.defaultScenarioName);
  const scenario = sim.getScenario(name);
  if (scenario === undefined)
    throw new UsageError(`Unknown scenario '${name}'. Run bb-doctor demo --list to see them.`);
  const own = sim.isDcScenario(scenario) ? 'data-center' : 'cloud';
  if (product !== undefined && product !== own)
    throw new UsageError(
      `Scenario '${name}' is a ${own} scenario, not ${product}${product === 'data-center' ? ' (the Data Center scenarios start with dc-)' : ''}.`,
    );
  return scenario;
};
