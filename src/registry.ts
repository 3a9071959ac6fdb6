import connectivity from '../checks/connectivity.js';
import credentials from '../checks/credentials.js';
import type { Check } from './types.js';

/** Every check, in the order of contract.md: registry order = report order. */
export const CHECKS: readonly Check[] = [connectivity, credentials];
