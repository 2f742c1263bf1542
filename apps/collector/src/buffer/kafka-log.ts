import { type logCreator, logLevel } from 'kafkajs';
import type { BufferLogger } from './config.js';

/**
 * Routes kafkajs's own logs into ours. kafkajs logs an ERROR for every failed attempt it will
 * retry, so its errors become warnings here: our code logs the outcome that matters (a refused
 * submission, a batch given up) at the level it deserves.
 */
export function kafkaLogCreator(log: BufferLogger): logCreator {
  return () =>
    ({ namespace, level, log: entry }) => {
      const { message, timestamp: _timestamp, logger: _logger, ...fields } = entry;
      const record = { component: 'kafkajs', namespace, ...fields };
      if (level === logLevel.ERROR) log.warn(record, message);
      else if (level === logLevel.WARN) log.info(record, message);
      else log.debug(record, message);
    };
}

/** The kafkajs client settings that follow from the configuration. */
export function clientTimeouts(requestTimeoutMs: number) {
  return {
    requestTimeout: requestTimeoutMs,
    // Connecting is part of a request's time budget: a broker that does not answer SYN is down.
    connectionTimeout: Math.min(requestTimeoutMs, 5_000),
    // Retries inside kafkajs stay within about one request timeout; longer outages are ours to handle.
    retry: { initialRetryTime: 100, retries: 5, maxRetryTime: Math.min(requestTimeoutMs, 3_000) },
  };
}
