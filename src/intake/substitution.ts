import {
  CurlParseError,
  parseCurl,
  quotedEnd,
  splitCommand,
  type ParsedCurl,
} from './curl-parse.js';

/**
 * What the user's shell made of a command substitution or a variable that it expanded (one in
 * double quotes or none: a single-quoted one stays literal, curl-parse.ts never hands it here).
 * Nothing is executed: a pure construction (`echo -n user:secret | base64`) is evaluated, a
 * variable is read from bb-doctor's own environment (what an exported variable was in the user's
 * shell), a curl pipeline is a step of its own (the token fetch whose output the call used), and
 * anything else is "computed by your shell, unknown here" (contract.md, "Commands").
 */
export type Expansion =
  | {
      readonly kind: 'value';
      readonly value: string;
      /** How to name it, never quoting what it holds (`$BITBUCKET_API_TOKEN`, `base64 of …`). */
      readonly describe: string;
      readonly variable?: string;
    }
  | {
      readonly kind: 'step';
      /** The curl command that produced the value, parsed: its secrets are the run's. */
      readonly curl: ParsedCurl;
      /** The JSON field a `| jq -r .field` kept, if any. */
      readonly field?: string;
      readonly describe: string;
    }
  | { readonly kind: 'unknown'; readonly describe: string; readonly variable?: string };

/** Substitutions inside substitutions this deep are refused (exit 2), never followed further. */
export const MAX_NESTING = 10;

type Env = Readonly<Record<string, string | undefined>>;

/** The body of `$(...)` or `` `...` `` (backticks unescape `\\`, `` \` `` and `\$`). */
const bodyOf = (expression: string): string | undefined => {
  if (expression.startsWith('$(') && expression.endsWith(')')) return expression.slice(2, -1);
  if (expression.startsWith('`') && expression.endsWith('`'))
    return expression.slice(1, -1).replace(/\\([\\`$])/gu, '$1');
  return undefined;
};

/** Splits a pipeline at its top-level `|` (not `||`), outside quotes and nested substitutions. */
export const splitPipeline = (text: string): string[] => {
  const stages: string[] = [];
  let depth = 0;
  let start = 0;
  let i = 0;
  while (i < text.length) {
    const c = text.charAt(i);
    const skipped = c === '\\' ? i + 2 : quotedEnd(text, i);
    if (skipped !== undefined) {
      i = skipped;
      continue;
    }
    if (c === '(') depth += 1;
    else if (c === ')') depth -= 1;
    else if (c === '|' && depth === 0) {
      if (text.charAt(i + 1) === '|') return [...stages, text.slice(start)];
      stages.push(text.slice(start, i));
      start = i + 1;
    }
    i += 1;
  }
  return [...stages, text.slice(start)];
};

/** `jq -r .access_token`, `jq --raw-output '.access_token // empty'`: the field it keeps. */
const jqField = (words: readonly string[]): string | undefined => {
  if (words[0] !== 'jq') return undefined;
  const filter = words.slice(1).find((w) => !w.startsWith('-'));
  return /^\.([A-Za-z_]\w*)(?:\s*\/\/\s*empty)?$/u.exec(filter?.trim() ?? '')?.[1];
};

/** What `printf FORMAT ARGS...` prints, for the formats a credential is built with. */
const printf = (words: readonly string[]): string | undefined => {
  const [format, ...args] = words;
  if (format === undefined || /%[^s%]/u.test(format)) return undefined;
  if (!format.includes('%')) return args.length === 0 ? format : undefined;
  let next = 0;
  const out = format.replace(/%[s%]/gu, (spec) => (spec === '%%' ? '%' : (args[next++] ?? '')));
  return next === args.length || args.length === 0 ? out : undefined;
};

/** What `echo [-n] WORDS...` prints (`-e` escapes are not evaluated: unknown). */
const echo = (words: readonly string[]): string | undefined => {
  let newline = true;
  let rest = words;
  if (rest[0] === '-n') {
    newline = false;
    rest = rest.slice(1);
  }
  if (rest[0]?.startsWith('-') === true) return undefined;
  return `${rest.join(' ')}${newline ? '\n' : ''}`;
};

/**
 * Evaluates a pure construction of a credential: `echo -n X | base64`, `printf %s X | base64
 * -w0`, `printf '%s:%s' u s | base64`. Undefined for anything else. The shell strips the trailing
 * newline of a substitution's output; `echo` without `-n` keeps one inside the base64, as it did
 * for the user.
 */
const construction = (stages: readonly (readonly string[])[]): string | undefined => {
  const [first, second, ...more] = stages;
  if (first === undefined || more.length > 0) return undefined;
  const printed =
    first[0] === 'printf'
      ? printf(first.slice(1))
      : first[0] === 'echo'
        ? echo(first.slice(1))
        : undefined;
  if (printed === undefined) return undefined;
  if (second === undefined) return printed.replace(/\n+$/u, '');
  const flags = second.slice(1).join(' ');
  if (second[0] !== 'base64' || !/^(?:-w ?0|--wrap=0)?$/u.test(flags)) return undefined;
  return Buffer.from(printed, 'utf8').toString('base64');
};

/**
 * Expands one substitution or variable as the user's shell did, as far as can be known without
 * running anything. `depth` counts the substitutions around this one.
 */
export const expand = (expression: string, env: Env, depth = 0): Expansion => {
  // The outermost substitution is level 1 (depth 0): level MAX_NESTING is refused.
  if (depth + 1 >= MAX_NESTING)
    throw new CurlParseError(
      `command substitutions nested ${MAX_NESTING} deep: paste the command as your shell expanded it (bb-doctor -- curl ...)`,
    );
  const variable = /^\$(?:\{([A-Za-z_]\w*)\}|([A-Za-z_]\w*))$/u.exec(expression);
  if (variable !== null) {
    const name = variable[1] ?? variable[2] ?? '';
    const value = env[name];
    return value === undefined
      ? { kind: 'unknown', variable: name, describe: `$${name}` }
      : { kind: 'value', value, variable: name, describe: `$${name}` };
  }
  const body = bodyOf(expression);
  if (body === undefined) return { kind: 'unknown', describe: 'a shell expansion' };
  const inner = (e: string): string => {
    const expansion = expand(e, env, depth + 1);
    return expansion.kind === 'value' ? expansion.value : NOT_KNOWN;
  };
  const stages: string[][] = [];
  for (const stage of splitPipeline(body)) {
    try {
      stages.push(splitCommand(stage, { expand: inner, anyCommand: true }).argv);
    } catch (error) {
      if (error instanceof CurlParseError && error.message.includes('nested')) throw error;
      return { kind: 'unknown', describe: 'a command substitution bb-doctor cannot read' };
    }
  }
  const first = stages[0] ?? [];
  const program = (first[0] ?? '').split('/').pop() ?? '';
  if (/^curl(?:\.exe)?$/iu.test(program)) {
    if (first.some((w) => w.includes(NOT_KNOWN)))
      return { kind: 'unknown', describe: 'a curl command built from values bb-doctor cannot see' };
    let curl: ParsedCurl;
    try {
      curl = parseCurl(first);
    } catch {
      return { kind: 'unknown', describe: 'a curl command bb-doctor cannot read' };
    }
    const field = stages[1] === undefined ? undefined : jqField(stages[1]);
    return {
      kind: 'step',
      curl,
      ...(field === undefined ? {} : { field }),
      describe: `the output of a curl command${field === undefined ? '' : ` (its ${field} field, by jq)`}`,
    };
  }
  if (stages.some((words) => words.some((w) => w.includes(NOT_KNOWN))))
    return {
      kind: 'unknown',
      describe: `the output of ${program || 'a command'}, from values bb-doctor cannot see`,
    };
  const built = construction(stages);
  if (built !== undefined)
    return {
      kind: 'value',
      value: built,
      describe: `the output of ${stages.map((w) => w[0] ?? '').join(' | ')}`,
    };
  const file = program === 'cat' && first.length === 2 ? first[1] : undefined;
  return {
    kind: 'unknown',
    describe:
      file !== undefined
        ? `the contents of ${file}`
        : `the output of ${program === '' ? 'a command' : program}`,
  };
};

/** Stands for a value the doctor cannot know in the words of a nested command. */
export const NOT_KNOWN = '\uE002unknown\uE003';

/**
 * The curl commands inside the literal substitutions of some words (a single-quoted
 * `'Bearer $(curl -u key:secret …)'` that the shell never ran): their secrets are secrets all the
 * same, registered before anything can print.
 */
export const literalCurls = (words: readonly string[]): ParsedCurl[] => {
  const out: ParsedCurl[] = [];
  const pattern = /\$\(((?:[^()]|\((?:[^()]|\([^()]*\))*\))*)\)|`([^`]*)`/gu;
  for (const word of words) {
    for (const match of word.matchAll(pattern)) {
      const first = splitPipeline(match[1] ?? match[2] ?? '')[0] ?? '';
      try {
        const argv = splitCommand(first, { anyCommand: true }).argv;
        if (/^curl(?:\.exe)?$/iu.test((argv[0] ?? '').split('/').pop() ?? ''))
          out.push(parseCurl(argv));
      } catch {
        // not a command bb-doctor can read: its text is registered whole (redactor.ts)
      }
    }
  }
  return out;
};

/**
 * The statements of a pasted script, in order: split at unquoted newlines, `;`, `&&` and `||`
 * (outside quotes, substitutions and `\`-newline continuations). A pipeline stays one statement.
 */
export const splitStatements = (text: string): string[] => {
  const out: string[] = [];
  let start = 0;
  const push = (end: number): void => {
    const statement = text.slice(start, end).trim();
    if (statement !== '') out.push(statement);
  };
  let i = 0;
  while (i < text.length) {
    const c = text.charAt(i);
    const skipped = c === '\\' ? i + 2 : quotedEnd(text, i);
    if (skipped !== undefined) i = skipped;
    else if (c === '#' && (i === 0 || /\s/u.test(text.charAt(i - 1)))) {
      push(i);
      const nl = text.indexOf('\n', i);
      start = nl < 0 ? text.length : nl + 1;
      i = start;
    } else if (c === '\n' || c === ';') {
      push(i);
      start = i + 1;
      i += 1;
    } else if (text.startsWith('&&', i) || text.startsWith('||', i)) {
      push(i);
      start = i + 2;
      i += 2;
    } else i += 1;
  }
  push(text.length);
  return out;
};

/** Shell constructs a pasted script may not hold: bb-doctor reads assignments and curl commands. */
const UNSUPPORTED =
  /^(?:for|while|until|if|case|select|function|do|done|then|else|elif|fi|esac)\b|^\w+\s*\(\)\s*\{|<<-?\s*['"]?\w/u;

/**
 * What one statement of a script is: an assignment (`NAME=value`, `export NAME=value`), a
 * `read NAME` (its value unknown here), a curl command, or something else the doctor ignores.
 * A heredoc or a loop is refused (exit 2), naming what was not understood.
 */
export const statementOf = (
  statement: string,
):
  | { readonly kind: 'assign'; readonly name: string; readonly value: string }
  | { readonly kind: 'read'; readonly name: string }
  | { readonly kind: 'curl' }
  | { readonly kind: 'git' }
  | { readonly kind: 'other' } => {
  const match = UNSUPPORTED.exec(statement);
  if (match !== null)
    throw new CurlParseError(
      `the script has ${match[0].startsWith('<<') ? 'a heredoc (<<)' : `"${match[0].trim()}"`}, which bb-doctor does not follow: paste the curl command as it ran, or a script of assignments (TOKEN=$(curl …)) and curl commands`,
    );
  const assign = /^(?:(?:export|local|readonly|declare)\s+)?([A-Za-z_]\w*)=(.*)$/su.exec(statement);
  if (assign !== null) return { kind: 'assign', name: assign[1] ?? '', value: assign[2] ?? '' };
  const read = /^read\s+(?:-\w+\s+)*([A-Za-z_]\w*)/u.exec(statement);
  if (read !== null) return { kind: 'read', name: read[1] ?? '' };
  const first = splitPipeline(statement)[0]?.trim().split(/\s+/u)[0] ?? '';
  if (/^(?:\S*\/)?curl(?:\.exe)?$/iu.test(first)) return { kind: 'curl' };
  // A git line of a script (`git clone https://x-token-auth:$TOKEN@…`) is a step too: the last
  // command of a script that ends with it is the git intake's (git-input.ts).
  return /^(?:\S*\/)?git(?:\.exe)?$/iu.test(first) ? { kind: 'git' } : { kind: 'other' };
};
