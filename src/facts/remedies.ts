/** The remediation catalogue lives in knowledge (Bitbucket facts); re-exported for its callers. */
export * from '../knowledge/remedies.js';
