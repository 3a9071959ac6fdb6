import { SECRET_SHAPES } from '../knowledge/shapes.js';

/** A word that can only be a credential (for values an error message would otherwise quote). */
export const looksLikeToken = (value: string): boolean => {
  const word = value.trim();
  if (!/^[A-Za-z0-9+/=_.~%:-]+$/u.test(word) || /:\/\/|^[-/.~]|\.[a-z]{2,5}$/u.test(word))
    return false;
  // A known shape (ATATT…, ATBB…, ATCTT…), or long with upper and lower case and digits: a
  // workspace, a repository or a file name is none of these.
  if (word.length >= 12 && SECRET_SHAPES.some((s) => s.prefix.test(word))) return true;
  return word.length >= 20 && /\d/u.test(word) && /[a-z]/u.test(word) && /[A-Z]/u.test(word);
};

/**
 * A value as an error message may quote it: short and never token-like, else described (an
 * error message quotes at most a short excerpt, and a token never: contract.md, "Secrets").
 */
export const quoted = (value: string, max = 40): string => {
  const shown = value.replace(/\s+/gu, ' ').trim();
  if (shown.split(' ').some(looksLikeToken) || shown.length > max)
    return `[a ${value.length}-character value]`;
  return `'${shown}'`;
};

/** Every token-like word of a message described instead of quoted (yargs' messages too). */
export const scrubMessage = (message: string): string =>
  message.replace(/[^\s'"`,()]+?(?=[:.;!?]*(?:[\s'"`,()]|$))/gu, (word) =>
    looksLikeToken(word) ? `[a ${word.length}-character value]` : word,
  );
