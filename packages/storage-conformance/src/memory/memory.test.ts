import { describeStorageConformance } from '../index.js';
import { memoryTarget } from './memory-target.js';

// The whole suite against the reference adapter, at the default sizes an adapter package runs.
describeStorageConformance(memoryTarget());
