const { behave } = require('../behaviour.cjs');

exports.handler = async (event, context) => behave(event, context);

exports.callback = (event, context, callback) => {
  setTimeout(() => callback(null, { requestId: context.awsRequestId, via: 'callback' }), 5);
};
