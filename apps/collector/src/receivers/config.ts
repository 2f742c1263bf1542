import { z } from 'zod';

// The options of each receiver plugin, with their defaults. buildServer fills them from the
// collector's validated configuration; they are validated again when a plugin is registered, so a
// plugin registered by other code fails at boot, naming the option, never on the first request.

// As in the collector's configuration schema: a short token is guessable, so refuse it here too.
const tokens = z.array(z.string().min(16, 'tokens must be at least 16 characters'));
const bodyLimitBytes = z.number().int().positive();
const path = z.string().startsWith('/');

export const tokenAuthOptions = z.object({
  /** Accepted tokens; empty = no authentication on this receiver. */
  tokens,
});

export const otlpReceiverOptions = z.object({
  bodyLimitBytes,
  auth: tokenAuthOptions.prefault({ tokens: [] }),
});

export const prometheusReceiverOptions = z.object({
  path: path.default('/api/v1/write'),
  bodyLimitBytes,
  auth: tokenAuthOptions.prefault({ tokens: [] }),
  /** Metric families whose metadata is remembered across requests. */
  metadataFamilies: z.number().int().positive().default(100_000),
});

export const firehoseReceiverOptions = z.object({
  path: path.default('/firehose'),
  bodyLimitBytes,
  /** X-Amz-Firehose-Access-Key values accepted; empty = no check. */
  accessKeys: z.array(z.string().min(1)).default([]),
  recordFormat: z.enum(['json', 'opentelemetry1.0']).default('json'),
});

export type TokenAuthOptions = z.input<typeof tokenAuthOptions>;
export type OtlpReceiverOptions = z.input<typeof otlpReceiverOptions>;
export type PrometheusReceiverOptions = z.input<typeof prometheusReceiverOptions>;
export type FirehoseReceiverOptions = z.input<typeof firehoseReceiverOptions>;

/** The options with defaults filled in, or a TypeError naming the plugin and each wrong option. */
export function validate<T extends z.ZodType>(plugin: string, schema: T, options: unknown): z.output<T> {
  const result = schema.safeParse(options);
  if (result.success) return result.data;
  const problems = result.error.issues.map(
    (issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(options)'}: ${issue.message}`,
  );
  throw new TypeError(`${plugin}: invalid options: ${problems.join('; ')}`);
}
