exports.handler = awslambda.streamifyResponse(async (event, responseStream) => {
  const stream = awslambda.HttpResponseStream.from(responseStream, { statusCode: 201 });
  stream.write('streamed by a CommonJS function');
  stream.end();
  await new Promise((resolve) => stream.on('finish', resolve));
});
