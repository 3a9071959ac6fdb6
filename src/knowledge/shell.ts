/**
 * One word of a printed command, as bash and zsh read it: bare when it holds nothing a shell
 * treats specially (so `?`, `&`, `*`, `[`, `{`, `#`, `~`, spaces and quotes are quoted: zsh stops
 * with "no matches found" on an unquoted `?`), else in single quotes. Pure.
 */
export const shellWord = (text: string): string => {
  if (text === '') return "''";
  if (/^[A-Za-z0-9_\-+.,/:=@%]+$/u.test(text)) return text;
  return `'${text.replaceAll("'", `'\\''`)}'`;
};
