import apiVersion from '../checks/api-version.js';
import connectivity from '../checks/connectivity.js';
import credentials from '../checks/credentials.js';
import curlCommand from '../checks/curl-command.js';
import gitAccess from '../checks/git-access/index.js';
import headerCasing from '../checks/header-casing.js';
import identity from '../checks/identity/index.js';
import publicPrivateContrast from '../checks/public-private-contrast.js';
import rateLimit from '../checks/rate-limit.js';
import savedExchange from '../checks/saved-exchange.js';
import scopes from '../checks/scopes.js';
import targetCall from '../checks/target-call.js';
import tokenFetch from '../checks/token-fetch.js';
import twoFactor from '../checks/two-factor.js';
import type { Check } from './types.js';

/** Every check, in the order of contract.md: registry order = report order. */
export const CHECKS: readonly Check[] = [
  connectivity,
  credentials,
  curlCommand,
  savedExchange,
  tokenFetch,
  headerCasing,
  // contract.md, "Git over HTTPS": after credentials, before identity.
  gitAccess,
  identity,
  publicPrivateContrast,
  twoFactor,
  scopes,
  apiVersion,
  targetCall,
  rateLimit,
];
