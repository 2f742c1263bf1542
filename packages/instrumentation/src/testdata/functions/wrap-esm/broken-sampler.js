// A custom sampler that throws: the invocation is not traced, the handler runs all the same.
import { instrumentationReady, wrap } from '../../../../dist/index.js';
import { behave } from '../behaviour.mjs';

const sampler = {
  shouldSample() {
    throw new Error('the sampler broke');
  },
  toString: () => 'BrokenSampler',
};

export const handler = wrap(async (event, context) => behave(event, context), { sampler });

await instrumentationReady();
