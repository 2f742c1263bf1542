const { behave } = require('../../behaviour.cjs');

exports.handlers = { main: async (event, context) => ({ ...(await behave(event, context)), file: 'src/app.js' }) };
