// Fault injection: the network and server misbehaviour that bb-doctor must report as what it is
// (contract.md exit code 3, design.md "Honest about the network"), never as "your token is invalid".
//
// A fault applies to EVERY request of the origin: the REST API and the token endpoint alike. The token
// endpoint is rate limited too on the real service (GitLab logged "OAuth2::Error, Rate limit for this
// resource has been exceeded.", bitbucket-auth.md §7), and a hung or reset connection does not care
// about paths.

import type { Reply } from './wire.js';

export type FaultMode =
  'rate-limit' | 'hang' | 'reset' | 'html500' | 'badjson' | 'redirect-offhost' | 'slow-body';

export const FAULT_MODES: readonly FaultMode[] = [
  'rate-limit',
  'hang',
  'reset',
  'html500',
  'badjson',
  'redirect-offhost',
  'slow-body',
];

export const FAULT_DESCRIPTIONS: Readonly<Record<FaultMode, string>> = {
  'rate-limit': 'every request answers 429 "Rate limit for this resource has been exceeded."',
  hang: 'requests are accepted and never answered',
  reset: 'the connection is destroyed as soon as a request arrives',
  html500: 'every request answers 500 with an HTML error page',
  badjson: 'every request answers 200 application/json with a truncated, invalid JSON body',
  'redirect-offhost': 'every request answers 302 to the same path on another origin (127.0.0.2)',
  'slow-body': 'headers come at once, the body is dribbled out over several seconds',
};

export function isFaultMode(value: string): value is FaultMode {
  return (FAULT_MODES as readonly string[]).includes(value);
}

/**
 * The 500 page. bitbucket-auth.md §3.4 item 1 shows the API's own 500 as JSON ("Something went wrong"
 * with an `id`); an HTML 500 is what a proxy or the edge sends when the application is down, the case
 * bb-doctor must not mistake for a credential problem.
 */
export const HTML_500_BODY =
  '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Bitbucket | Something went wrong</title></head>\n' +
  '<body><h1>Something went wrong</h1><p>Bitbucket had a problem and was unable to complete your request.</p></body></html>\n';

/** The `badjson` fault: a 200 that claims JSON and carries a body cut in the middle. */
export const badJsonReply = (reply: Reply): Reply => ({
  status: 200,
  headers: { ...reply.headers, 'content-type': 'application/json; charset=utf-8' },
  body: truncateJson(reply.body),
});

/** A JSON body cut in the middle, always invalid. */
export function truncateJson(body: string): string {
  const cut =
    body.length >= 8 ? body.slice(0, Math.floor(body.length / 2)) : '{"values": [{"slug": "web';
  try {
    JSON.parse(cut);
    return `${cut}{`; // still parseable after the cut (unlikely): make sure it is not
  } catch {
    return cut;
  }
}

/** Where `redirect-offhost` sends clients: another origin (127.0.0.2 is loopback, but not our origin). */
export function offhostLocation(port: number, pathAndQuery: string): string {
  return `http://127.0.0.2:${port}${pathAndQuery}`;
}
