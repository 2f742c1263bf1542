import type { ConformanceTarget } from '../target.js';
import { MemoryBackend } from './memory-backend.js';
import { MemoryStorage } from './memory-storage.js';

/** The conformance target of the memory adapter: adapters and reads on one shared backend. */
export function memoryTarget(backend: MemoryBackend = new MemoryBackend()): ConformanceTarget {
  return {
    name: 'memory',
    createAdapter: async () => new MemoryStorage(backend),
    readSpans: async (traceIds) => backend.readSpans(traceIds),
    readMetricPoints: async (names) => backend.readMetricPoints(names),
    countSpans: async (traceIds) => backend.countSpans(traceIds),
  };
}
