// Public surface of the simulator, for `bb-doctor demo`, `bb-doctor simulate` and the end-to-end tests.
export type { RunningSimulator, StartOptions } from './server.js';
export { startSimulator } from './server.js';
export type { RequestLogEntry } from './log.js';
export { formatLogLine } from './log.js';
export type { FaultMode } from './faults.js';
export { FAULT_DESCRIPTIONS, FAULT_MODES, isFaultMode } from './faults.js';
export type { GitStory, Scenario, ScenarioExpectation } from './scenarios.js';
export {
  defaultScenarioName,
  getScenario,
  gitHomeFiles,
  gitScenarios,
  gitUrl,
  scenarios,
} from './scenarios.js';
export { describeScenario } from './describe.js';
export type { World } from './world.js';
