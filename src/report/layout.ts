/**
 * Laying text out for a terminal of a given width: prose wraps at word boundaries; a URL, a token or
 * a shell word is never cut (it goes on a line of its own, whole, so that it can be copied); a
 * command continues with ` \` between words. Pure: the width is an input (the command layer knows
 * the terminal).
 */

/**
 * Greedy word wrap in one pass (linear in the text). Words longer than the width (URLs, tokens)
 * stay whole on a line of their own, unless `hard`: then they are cut into chunks of the width.
 * `first` is the first line's prefix (default: `indent`), e.g. a list marker.
 */
export const wrap = (
  text: string,
  width: number,
  indent = '',
  hard = false,
  first = indent,
): string[] => {
  const lines: string[] = [];
  let prefix = first;
  const push = (line: string): void => {
    lines.push(prefix + line);
    prefix = indent;
  };
  for (const paragraph of text.split('\n')) {
    let line = '';
    // A redaction mark (`[redacted sha256:1a2b3c4d]`) is one word: it is never split over lines.
    for (let word of paragraph.split(/ +(?!sha256:[0-9a-f]{8}\])/u)) {
      const room = (): number => Math.max(1, width - prefix.length);
      if (hard && word.length > Math.max(1, width - Math.max(prefix.length, indent.length))) {
        if (line !== '') push(line);
        let at = 0;
        while (word.length - at > room()) {
          const chunk = room();
          push(word.slice(at, at + chunk));
          at += chunk;
        }
        line = '';
        word = word.slice(at);
      }
      // A word that does not fit beside a label (`Git over HTTP:   URL`) starts the next line.
      if (
        line === '' &&
        prefix.trim() !== '' &&
        word !== '' &&
        prefix.length + word.length > width
      ) {
        lines.push(prefix.trimEnd());
        prefix = indent;
      }
      if (line !== '' && prefix.length + line.length + 1 + word.length > width) {
        push(line);
        line = word;
      } else {
        line = line === '' ? word : `${line} ${word}`;
      }
    }
    push(line);
  }
  return lines;
};

/** Shell words of a command, keeping quoted parts together (for line breaks only). */
const shellWords = (command: string): string[] =>
  command.match(/(?:[^\s"']|"[^"]*"|'[^']*')+/gu) ?? [command];

/**
 * A shell command laid out to `width`: broken between words with ` \` continuations, never inside
 * a word or a quoted string. The first line starts with `first`, the continuations with `next`; a
 * word longer than the line stays whole on a line of its own. A `\` never stands alone.
 */
export const shellLines = (
  command: string,
  width: number,
  first: string,
  next = `${first.replace(/\S/gu, ' ')}    `,
): string[] => {
  if (first.length + command.length <= width && !command.includes('\n')) return [first + command];
  const lines: string[] = [];
  let line = '';
  const lead = (): string => (lines.length === 0 ? first : next);
  for (const word of shellWords(command)) {
    if (line !== '' && lead().length + line.length + 1 + word.length + 2 > width) {
      lines.push(`${lead()}${line} \\`);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  lines.push(lead() + line);
  return lines;
};

/**
 * A fix command as the report prints it: `$ ` then the command, continued with ` \`. When a
 * continuation (a quoted header, a URL) does not fit, the continuations move left, then the
 * command: it is never cut.
 */
export const commandLines = (command: string, width: number, indent: string): string[] => {
  let lines: string[] = [];
  for (let at = indent.length; ; at = Math.max(0, at - 4)) {
    const pad = ' '.repeat(at);
    for (let next = at + 4; next >= 2; next -= 2) {
      lines = shellLines(command, width, `${pad}$ `, ' '.repeat(next));
      // A line may pass the width only with one word that no indent would make fit.
      if (lines.every((l) => l.length <= width || (isOneToken(l) && l.trim().length + 2 > width)))
        return lines;
    }
    if (at === 0) return lines;
  }
};

/**
 * A label and a link (`Learn more: URL`) on one line when they fit; else the label, then the URL
 * on a line of its own, indented as far as fits (column 0 at least): whole, copyable.
 */
export const linkLines = (label: string, url: string, width: number, indent: string): string[] => {
  const one = `${indent}${label} ${url}`;
  if (one.length <= width) return [one];
  const at = Math.max(0, Math.min(indent.length + 2, width - url.length));
  return [`${indent}${label}`, `${' '.repeat(at)}${url}`];
};

/** Parts joined by `sep` (` · `), broken between parts, never inside one when it fits a line. */
export const joinLines = (
  parts: readonly string[],
  width: number,
  sep = ' · ',
  indent = '  ',
): string[] => {
  const lines: string[] = [];
  let line = '';
  for (const part of parts) {
    const lead = lines.length === 0 ? '' : indent;
    if (line !== '' && lead.length + line.length + sep.length + part.length > width) {
      lines.push(`${lead}${line}${sep.trimEnd()}`);
      line = part;
    } else line = line === '' ? part : `${line}${sep}${part}`;
  }
  lines.push((lines.length === 0 ? '' : indent) + line);
  return lines.flatMap((l, i) =>
    l.length <= width ? [l] : wrap(l.trimStart(), width, indent, false, i === 0 ? '' : indent),
  );
};

/**
 * A line is one unbreakable token (a URL, a secret, one shell word such as a quoted header),
 * whatever its indent, a `$ `, `# ` or `[n] ` before it or a ` \` after it: no layout can make it
 * narrower.
 */
export const isOneToken = (line: string): boolean =>
  /^(?:[^\s"']|"[^"]*"|'[^']*')+$/u.test(
    line
      .trim()
      .replace(/^(?:\$|#|\[\d+\]) +/u, '')
      .replace(/ \\$/u, ''),
  );

/**
 * A line of a command's own output (the simulator's description, a list) laid out to `width`:
 * a shell command (curl, git, bb-doctor, with `NAME=value` before it) continues with ` \`; a
 * `Label:   value` line hangs under its value; a `# comment` continues as a comment; other
 * prose hangs two columns under its first word. A line that fits is kept as it is.
 */
export const fitLine = (line: string, width: number): string[] => {
  if (line.length <= width) return [line];
  const indent = /^ */u.exec(line)?.[0] ?? '';
  const body = line.slice(indent.length);
  if (/^(?:[A-Z_][A-Z0-9_]*=\S+ )*(?:curl|git|bb-doctor|npx|node)\s/u.test(body))
    return shellLines(body, width, indent, `${indent}    `);
  if (body.startsWith('# '))
    return wrap(body.slice(2), width, `${indent}#   `, false, `${indent}# `);
  const label = /^[A-Za-z][A-Za-z ()-]*:\s{2,}/u.exec(body)?.[0];
  if (label !== undefined && indent.length + label.length <= 24)
    return wrap(
      body.slice(label.length),
      width,
      ' '.repeat(indent.length + label.length),
      false,
      indent + label,
    );
  return wrap(body, width, `${indent}  `, false, indent);
};

/** Every line of a text fitted to `width` (see fitLine). */
export const fitLines = (lines: readonly string[], width: number): string[] =>
  lines.flatMap((line) => fitLine(line, width));
