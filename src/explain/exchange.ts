/**
 * What every capture reader of `bb-doctor explain` shares (parse.ts for the text formats, har.ts
 * for HAR): the draft of an exchange as read, and its conversion to an `Exchange` (header names
 * lower-cased, bodies kept up to MAX_BODY_BYTES, Bitbucket's trace ids collected).
 */
import { isTraceHeader } from '../knowledge/headers.js';
import { cutUtf8 } from '../report/model.js';

import type { Exchange } from '../types.js';

/** The capture cannot be read or is not a saved HTTP exchange (one line, for the user). */
export class CaptureError extends Error {
  override readonly name = 'CaptureError';
}

/**
 * Bodies are kept up to this many bytes (`bodyTruncated` beyond), raw: the report shows the first
 * EVIDENCE_BODY_BYTES of each, cut after redaction (report/model.ts `clipEvidence`).
 */
export const MAX_BODY_BYTES = 16 * 1024;

export interface Draft {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
  response?: {
    status: number;
    reason: string;
    headers: Record<string, string>;
    body: string;
    /** The body was already cut (or left out) before it reached the draft. */
    bodyTruncated?: boolean;
  };
  error?: { code: string; message: string };
  durationMs: number;
}

export function addHeader(headers: Record<string, string>, name: string, value: string): void {
  const key = name.trim().toLowerCase();
  // HTTP/2 pseudo-headers (:method, :path) in HAR files duplicate the request line.
  if (key === '' || key.startsWith(':')) return;
  const previous = headers[key];
  headers[key] = previous === undefined ? value : `${previous}, ${value}`;
}

/** Cuts a body at MAX_BODY_BYTES on a character boundary. */
export function truncate(text: string): { body: string; truncated: boolean } {
  const cut = cutUtf8(text, MAX_BODY_BYTES);
  return cut === undefined ? { body: text, truncated: false } : { body: cut, truncated: true };
}

export function toExchange(draft: Draft, label: string): Exchange {
  const request: Exchange['request'] = {
    method: draft.method,
    url: draft.url,
    headers: draft.headers,
    ...(draft.body === undefined ? {} : { body: truncate(draft.body).body }),
  };
  const traceIds: Record<string, string> = {};
  for (const [name, value] of Object.entries(draft.response?.headers ?? {})) {
    if (isTraceHeader(name)) traceIds[name] = value;
  }
  let response: Exchange['response'];
  if (draft.response) {
    const { body, truncated } = truncate(draft.response.body);
    response = {
      status: draft.response.status,
      headers: draft.response.headers,
      body,
      ...(truncated || draft.response.bodyTruncated === true ? { bodyTruncated: true } : {}),
    };
  }
  const error =
    draft.error ??
    (response === undefined
      ? { code: 'NO_RESPONSE', message: 'the capture has no response for this request' }
      : undefined);
  return {
    label,
    request,
    ...(response === undefined ? {} : { response }),
    ...(error === undefined ? {} : { error }),
    durationMs: draft.durationMs,
    ...(Object.keys(traceIds).length > 0 ? { traceIds } : {}),
  };
}
