/**
 * The provenance every Bitbucket fact in src/knowledge/ carries. The confidence tags are the ones
 * of the fact dossier (bitbucket-auth.md, "Confidence legend"):
 *
 * - `H` high: official Atlassian docs / KB / changelog, an Atlassian staff answer, or several
 *   independent reports of the same wire output.
 * - `M` medium: one or two consistent third-party reports with wire output, or an official doc
 *   whose archived copy is truncated at the relevant point.
 * - `L` low: a single third-party claim, or third-party code that encodes an assumption.
 * - `U` unverified: found in no source; stated only so that the gap is visible.
 *
 * Why keep it next to every entry: Bitbucket's messages change. A check that leans on an `L` or
 * `U` fact should say so ("likely", "Bitbucket may...") instead of stating it as certain.
 */
export type Confidence = 'H' | 'M' | 'L' | 'U';

/** Where a fact comes from (a URL named in the dossier) and how sure we are of it. */
export interface Sourced {
  readonly source: string;
  readonly confidence: Confidence;
}

/** Orders confidences so that callers can filter ("only rules of M or better"). */
export const CONFIDENCE_RANK: Readonly<Record<Confidence, number>> = { H: 3, M: 2, L: 1, U: 0 };

/** True when `confidence` is at least `minimum` (H > M > L > U). */
export function atLeast(confidence: Confidence, minimum: Confidence): boolean {
  return CONFIDENCE_RANK[confidence] >= CONFIDENCE_RANK[minimum];
}
