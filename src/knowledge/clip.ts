/**
 * Clips a text to at most `max` characters without cutting a word: a word the cut would split is
 * dropped whole, so no part of a secret a server echoed back (an error quoting the token) survives
 * as a prefix (contract.md, "Secrets": redact, then cut). A text of one long word is described by
 * its length. Lives in the knowledge because its parsers (signatures.ts) clip what servers say, and
 * the knowledge imports nothing else.
 */
export const clipWords = (text: string, max: number): string => {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  const lastSpace = cut.search(/\s\S*$/u);
  if (lastSpace <= 0) return `[${text.length} characters]`;
  return `${cut.slice(0, lastSpace).trimEnd()}…`;
};
