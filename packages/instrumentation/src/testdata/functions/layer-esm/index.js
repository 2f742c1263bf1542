import { behave } from '../behaviour.mjs';

export const handler = async (event, context) => ({ ...(await behave(event, context)), module: 'esm' });

export default { nested: { handler: async (_event, context) => ({ requestId: context.awsRequestId, via: 'default export' }) } };
