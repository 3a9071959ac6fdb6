import fc from 'fast-check';

/** Every form a secret may take in output (contract.md, "Secrets"). */
export const forbiddenForms = (secret: string, usernames: readonly string[]): string[] => {
  const forms = new Set<string>([
    secret,
    secret.trim(),
    encodeURIComponent(secret),
    new URLSearchParams({ s: secret }).toString().slice(2),
  ]);
  for (const user of usernames) {
    forms.add(Buffer.from(`${user}:${secret}`).toString('base64'));
    forms.add(Buffer.from(`${user}:${secret.trim()}`).toString('base64'));
  }
  return [...forms].filter((f) => f.length >= 6);
};

/** Random secrets, including characters that need escaping (+/=:@%"') and unicode. */
export const arbSecret = fc
  .tuple(
    fc.string({
      unit: fc.constantFrom(
        ...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/=:@%"\'-_.~!#&é漢🔑 '.split(
          /(?:)/u,
        ),
      ),
      minLength: 10,
      maxLength: 60,
    }),
    fc.constantFrom('', 'ATATT3x', 'ATBB', 'ATCTT3x'),
  )
  .map(([body, prefix]) => `${prefix}${body}`)
  .filter((s) => s.trim().length >= 10 && new Set(s.trim()).size > 4);
