// The trivial handler both instrumentations wrap in the benchmark.
exports.handler = async () => ({ statusCode: 200, body: 'ok' });
