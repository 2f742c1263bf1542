// Loads vitest's declarations so the ProvidedContext augmentation below has a module to merge into.
import type {} from 'vitest';
import type { TestProject } from 'vitest/node';
import { startEphemeralStack } from '../ephemeral.js';
import type { ServiceName } from '../errors.js';

/** What a suite's tests receive through `inject('fireflyStack')`. */
export interface StackEndpoints {
  /** ClickHouse HTTP base URL, present when the suite asked for ClickHouse. */
  clickhouseUrl?: string;
  /** Kafka bootstrap servers, present when the suite asked for Kafka. */
  kafkaBrokers?: string[];
}

declare module 'vitest' {
  export interface ProvidedContext {
    fireflyStack: StackEndpoints;
  }
}

export interface StackGlobalSetupOptions {
  services: readonly ServiceName[];
  startTimeoutMs?: number;
}

/**
 * A vitest globalSetup that starts the servers a suite needs once, before any test file, and stops
 * them after the last. In `test/stack.global-setup.ts`:
 *
 *   export default stackGlobalSetup({ services: ['clickhouse', 'kafka'] });
 *
 * and in a test: `const { clickhouseUrl } = inject('fireflyStack');`
 */
export function stackGlobalSetup(options: StackGlobalSetupOptions) {
  return async function setup(project: TestProject): Promise<() => Promise<void>> {
    const stack = await startEphemeralStack({
      services: options.services,
      ...(options.startTimeoutMs === undefined ? {} : { startTimeoutMs: options.startTimeoutMs }),
    });
    const endpoints: StackEndpoints = {};
    if (stack.clickhouse) endpoints.clickhouseUrl = stack.clickhouse.url;
    if (stack.kafka) endpoints.kafkaBrokers = stack.kafka.brokers;
    project.provide('fireflyStack', endpoints);
    return () => stack.stop();
  };
}
