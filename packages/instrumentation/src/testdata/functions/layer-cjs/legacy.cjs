exports.handler = async (_event, context) => ({ requestId: context.awsRequestId, file: 'legacy.cjs' });
