import { DoctorHttp } from '../../src/http/client.js';
import { makeCredential } from '../../src/intake/credentials.js';
import type { Credential, CredentialKind, DoctorInput } from '../../src/types.js';

export const API = 'https://api.bitbucket.org';
export const AUTH = 'https://bitbucket.org';

/** A run input with test defaults; override what a case needs. */
export const makeInput = (overrides: Partial<DoctorInput> = {}): DoctorInput => ({
  apiUrl: API,
  authUrl: AUTH,
  credentials: [],
  headers: [],
  warnings: [],
  ...overrides,
});

export const cred = (
  kind: CredentialKind,
  secret: string,
  options: { source?: string; username?: string } = {},
): Credential =>
  makeCredential(
    kind,
    secret,
    options.source ?? `env:TEST_${kind.toUpperCase()}`,
    options.username,
  );

export const makeHttp = (
  input: DoctorInput,
  overrides: Partial<ConstructorParameters<typeof DoctorHttp>[0]> = {},
): DoctorHttp =>
  new DoctorHttp({
    allowedOrigins: [input.apiUrl, input.authUrl, input.failingRequest?.url]
      .filter((u): u is string => u !== undefined)
      .map((u) => new URL(u).origin),
    maxRequests: 12,
    max401PerSecret: 3,
    deadline: Date.now() + 20_000,
    userAgent: 'bb-doctor-test',
    ...overrides,
  });
