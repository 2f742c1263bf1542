import type { z } from 'zod';

/**
 * Validates a plugin's options when it is registered, so a wrong value fails at boot with the
 * plugin and the option named, never on the first request.
 */
export function parseOptions<T extends z.ZodType>(plugin: string, schema: T, options: unknown): z.output<T> {
  const result = schema.safeParse(options);
  if (result.success) return result.data;
  const problems = result.error.issues.map(
    (issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(options)'}: ${issue.message}`,
  );
  throw new TypeError(`${plugin}: invalid options: ${problems.join('; ')}`);
}
