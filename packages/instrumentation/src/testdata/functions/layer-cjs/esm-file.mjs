export const handler = async (_event, context) => ({ requestId: context.awsRequestId, file: 'esm-file.mjs' });
