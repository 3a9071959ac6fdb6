/**
 * Bitbucket facts as data (bitbucket-auth.md): response signatures, scopes, endpoint → scope,
 * API versions and removed endpoints, the credential timeline, Data Center detection and the
 * documentation links. Pure data and functions: no I/O anywhere in src/knowledge/.
 */
export * from './fact.js';
export * from './docs.js';
export * from './sources.js';
export * from './signatures.js';
export * from './scopes.js';
export * from './endpoints.js';
export * from './api-versions.js';
export * from './timeline.js';
export * from './data-center.js';
export * from './headers.js';
export * from './rejections.js';
export * from './shapes.js';
export * from './hosts.js';
