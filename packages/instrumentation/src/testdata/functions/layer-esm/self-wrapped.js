// The function wraps its handler itself while the layer is on: the layer's copy must win, once.
import { isWrapped, wrap } from '../../../../dist/index.js';

const inner = async (_event, context) => ({ requestId: context.awsRequestId });
const wrapped = wrap(inner);

export const handler = async (event, context) => ({ ...(await wrapped(event, context)), selfWrapped: isWrapped(wrapped) });
