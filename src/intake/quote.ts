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
  if (!plainText(shown) || shown.split(' ').some(looksLikeToken) || shown.length > max)
    return `[a ${value.length}-character value]`;
  return `'${shown}'`;
};

/**
 * What an error may quote: the characters of command names, flags, URLs and file names. Anything
 * else (quotes, `%`, `&`, `#`, `=`, non-ASCII) is more like a password than a typo.
 */
export const plainText = (text: string): boolean => /^[\w .,:/@+?-]*$/u.test(text);

/** Every token-like word of a message described instead of quoted (yargs' messages too). */
export const scrubMessage = (message: string): string =>
  message
    // yargs quotes an invalid choice whole: it goes by the same rule as ours.
    .replace(
      /Given: "((?:[^"\\]|\\.)*)"/gu,
      (_all, value: string) => `Given: ${quoted(value).replace(/^'(.*)'$/su, '"$1"')}`,
    )
    .replace(/[^\s'"`,()]+/gu, (word) => {
      // Trailing punctuation is the sentence's, not the word's (linear: no backtracking).
      let end = word.length;
      while (end > 0 && ':.;!?'.includes(word.charAt(end - 1))) end -= 1;
      const core = word.slice(0, end);
      return looksLikeToken(core) ? `[a ${core.length}-character value]${word.slice(end)}` : word;
    });
