// Public surface of the simulator, for `bb-doctor demo`, `bb-doctor simulate` and the end-to-end tests.
export type { DataCenterStats, Product, RunningSimulator, StartOptions } from './server.js';
export { startSimulator } from './server.js';
export type { RequestLogEntry } from './log.js';
export { formatLogLine } from './log.js';
export type { FaultMode } from './faults.js';
export { FAULT_DESCRIPTIONS, FAULT_MODES, isFaultMode } from './faults.js';
export type { AnyScenario, GitStory, Scenario, ScenarioExpectation } from './scenarios.js';
export {
  defaultScenarioName,
  getScenario,
  gitHomeFiles,
  gitScenarios,
  gitUrl,
  isDcScenario,
  scenarios,
} from './scenarios.js';
export type { DcScenario } from './dc-scenarios.js';
export { dcScenarios, dcWorld, defaultDcScenarioName } from './dc-scenarios.js';
export type { DcToken, DcUser, DcWorld } from './dc-world.js';
export { describeScenario } from './describe.js';
export type { World } from './world.js';
