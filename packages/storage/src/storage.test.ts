import { describe, expect, it } from 'vitest';
import {
  awaitsConfiguration,
  checkBatchId,
  isRetryable,
  kafkaBatchId,
  refusesData,
  StorageError,
  type StorageErrorCode,
  storageErrorCode,
} from './index.js';

describe('errors', () => {
  it('retryable only for transient codes; foreign errors count as retryable', () => {
    expect(new StorageError('UNAVAILABLE', 'x', 'down').retryable).toBe(true);
    expect(new StorageError('OVERLOADED', 'x', 'too many parts').retryable).toBe(true);
    expect(new StorageError('UNKNOWN', 'x', '?').retryable).toBe(true);
    for (const code of ['INVALID_DATA', 'INVALID_BATCH', 'SCHEMA', 'UNAUTHORIZED', 'CLOSED'] as const) {
      expect(isRetryable(new StorageError(code, 'x', 'no'))).toBe(false);
    }
    expect(isRetryable(new Error('socket hang up'))).toBe(true);
    // A StorageError from another copy of this package (an adapter that bundles its own).
    const foreign = Object.assign(new Error('refused'), { name: 'StorageError', retryable: false });
    expect(isRetryable(foreign)).toBe(false);
  });

  it('classify every code for a pipeline: retried, awaiting configuration, refusing data, closed', () => {
    const classes: Record<StorageErrorCode, string> = {
      UNAVAILABLE: 'retryable',
      OVERLOADED: 'retryable',
      UNKNOWN: 'retryable',
      SCHEMA: 'awaits configuration',
      UNAUTHORIZED: 'awaits configuration',
      INVALID_DATA: 'refuses data',
      INVALID_BATCH: 'refuses data',
      CLOSED: 'none',
    };
    for (const [code, expected] of Object.entries(classes)) {
      const error = new StorageError(code as StorageErrorCode, 'x', 'no');
      const found = [
        isRetryable(error) && 'retryable',
        awaitsConfiguration(error) && 'awaits configuration',
        refusesData(error) && 'refuses data',
      ].filter(Boolean);
      expect({ code, classes: found }).toEqual({ code, classes: expected === 'none' ? [] : [expected] });
      expect(storageErrorCode(error)).toBe(code);
    }
  });

  it('recognize a StorageError by shape; anything else is UNKNOWN, retryable, in no other class', () => {
    // A StorageError from another copy of this package (an adapter that bundles its own).
    const foreign = (code: string) => Object.assign(new Error('refused'), { name: 'StorageError', code });
    expect(storageErrorCode(foreign('SCHEMA'))).toBe('SCHEMA');
    expect(awaitsConfiguration(foreign('UNAUTHORIZED'))).toBe(true);
    expect(refusesData(foreign('INVALID_DATA'))).toBe(true);
    // A code this version does not know, a plain error, and not an error at all.
    for (const other of [foreign('SOMETHING_NEW'), new Error('socket hang up'), null, 'boom']) {
      expect(storageErrorCode(other)).toBe('UNKNOWN');
      expect(awaitsConfiguration(other)).toBe(false);
      expect(refusesData(other)).toBe(false);
    }
    // Carrying a code, but not named StorageError.
    const unnamed = Object.assign(new Error('refused'), { code: 'INVALID_DATA' });
    expect(refusesData(unnamed)).toBe(false);
  });
});

describe('batch ids', () => {
  it('come from the Kafka source, the same for the same records', () => {
    const source = { topic: 'firefly.spans', partition: 3, firstOffset: 100n, lastOffset: '611' };
    expect(kafkaBatchId(source)).toBe('kafka:firefly.spans/3/100-611');
    expect(kafkaBatchId({ ...source })).toBe(kafkaBatchId(source));
  });

  it("tell apart copies of a topic whose offsets started again, by the first record's timestamp", () => {
    const source = { topic: 'firefly.spans', partition: 3, firstOffset: 100n, lastOffset: '611' };
    const replayed = { ...source, firstTimestamp: '1764000000000' };
    expect(kafkaBatchId(replayed)).toBe('kafka:firefly.spans/3/100-611@1764000000000');
    expect(kafkaBatchId({ ...source, firstTimestamp: 1_764_000_000_000n })).toBe(kafkaBatchId(replayed));
    // The topic deleted and created again: the same offsets hold records written later.
    expect(kafkaBatchId({ ...source, firstTimestamp: '1764000123456' })).not.toBe(kafkaBatchId(replayed));
    expect(kafkaBatchId({ ...source, firstTimestamp: undefined })).toBe(kafkaBatchId(source));
  });

  it('must be non-empty, bounded and printable', () => {
    expect(() => checkBatchId('kafka:t/0/1-2', 'x')).not.toThrow();
    expect(() => checkBatchId('', 'x')).toThrow('the batch id is empty');
    expect(() => checkBatchId('a'.repeat(513), 'x')).toThrow('the batch id is 513 characters, over 512');
    expect(() => checkBatchId('a\nb', 'x')).toThrow('the batch id "a\\nb" contains control characters');
    const caught = (() => {
      try {
        checkBatchId('', 'clickhouse');
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(caught).toMatchObject({ code: 'INVALID_BATCH', backend: 'clickhouse', retryable: false });
  });
});
