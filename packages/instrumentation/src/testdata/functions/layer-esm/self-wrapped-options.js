// The function wraps its handler itself, with options, while the layer is on: the options are
// ignored, with a warning that names them.
import { wrap } from '../../../../dist/index.js';

export const handler = wrap(async (_event, context) => ({ requestId: context.awsRequestId }), {
  serviceName: 'from-wrap',
  flushMode: 'async',
  requestHook: undefined,
});
