// A minimal Lambda runtime client, run as its own process like the Node.js runtime's
// (/var/runtime/index.mjs): it loads the handler named by _HANDLER the way the runtime does, then
// loops — GET /next, call the handler, POST the response or error, one event-loop turn, again.
// It keeps the runtime behaviours instrumentation must live with: callbacks that wait for an
// empty event loop, response streaming with the awslambda globals, and (RUNTIME_CLIENT_MODE=
// nodejs24) handlers called without a callback and callback-style handlers refused.
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
const api = process.env.AWS_LAMBDA_RUNTIME_API;
const [host, port] = api.split(':');
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const nodejs24 = process.env.RUNTIME_CLIENT_MODE === 'nodejs24';
const timing = process.env.RUNTIME_CLIENT_TIMING === '1';
const STREAMING = Symbol.for('aws.lambda.runtime.handler.streaming');
const HIGH_WATER_MARK = Symbol.for('aws.lambda.runtime.handler.streaming.highWaterMark');

function request(method, urlPath, { headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host, port, method, path: urlPath, agent, headers }, (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

function errorBody(error) {
  const isError = error instanceof Error;
  return JSON.stringify({
    errorType: isError ? error.name : 'Error',
    errorMessage: isError ? error.message : String(error),
    trace: isError && error.stack ? error.stack.split('\n') : [],
  });
}

function errorType(error) {
  return error instanceof Error ? error.name : 'Error';
}

// --- awslambda globals, as the runtime defines them before loading the handler -----------------

const HttpResponseStream = {
  from(stream, prelude) {
    stream.setContentType('application/vnd.awslambda.http-integration-response');
    const metadata = JSON.stringify(prelude);
    stream._onBeforeFirstWrite = (write) => {
      write(metadata);
      write(new Uint8Array(8));
    };
    return stream;
  },
};

globalThis.awslambda = {
  streamifyResponse(handler, options) {
    handler[STREAMING] = 'response';
    if (typeof options?.highWaterMark === 'number') handler[HIGH_WATER_MARK] = options.highWaterMark;
    return handler;
  },
  HttpResponseStream,
};

// --- handler loading, the runtime's way ----------------------------------------------------------

function typeModule(folder) {
  for (let dir = folder; ; dir = path.dirname(dir)) {
    if (dir.endsWith('/node_modules')) return false;
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest)) return JSON.parse(readFileSync(manifest, 'utf8')).type === 'module';
    if (dir === '/') return false;
  }
}

async function loadHandler(taskRoot, fullHandler) {
  const base = path.basename(fullHandler);
  const moduleRoot = fullHandler.slice(0, fullHandler.length - base.length);
  const match = /^([^.]*)\.(.*)$/.exec(base);
  if (!match) throw Object.assign(new Error('Bad handler'), { name: 'Runtime.MalformedHandlerName' });
  const [, moduleName, handlerPath] = match;
  const file = path.resolve(taskRoot, moduleRoot, moduleName);
  let module;
  if (existsSync(file)) module = require(file);
  else if (!typeModule(path.dirname(file)) && existsSync(`${file}.js`)) module = require(`${file}.js`);
  else if (existsSync(`${file}.js`)) module = await import(pathToFileURL(`${file}.js`).href);
  else if (existsSync(`${file}.mjs`)) module = await import(pathToFileURL(`${file}.mjs`).href);
  else if (existsSync(`${file}.cjs`)) module = require(`${file}.cjs`);
  else
    throw Object.assign(new Error(`Cannot find module '${moduleName}'`), {
      name: 'Runtime.ImportModuleError',
    });
  const handler = handlerPath.split('.').reduce((value, key) => value?.[key], module);
  if (typeof handler !== 'function') {
    throw Object.assign(new Error(`${fullHandler} is undefined or not exported`), {
      name: 'Runtime.HandlerNotFound',
    });
  }
  return handler;
}

let handler;
try {
  handler = await loadHandler(process.env.LAMBDA_TASK_ROOT ?? process.cwd(), process.env._HANDLER);
  const streaming = handler[STREAMING] === 'response';
  if (nodejs24 && handler.length >= 3 && !streaming) {
    throw Object.assign(new Error('Callback-based function handlers are not supported'), {
      name: 'Runtime.CallbackHandlerDeprecated',
    });
  }
} catch (error) {
  await request('POST', '/2018-06-01/runtime/init/error', {
    headers: { 'Lambda-Runtime-Function-Error-Type': errorType(error) },
    body: errorBody(error),
  });
  process.exit(129);
}

// --- the invoke loop -----------------------------------------------------------------------------

let onEmptyLoop;
process.on('beforeExit', () => {
  const answer = onEmptyLoop;
  onEmptyLoop = undefined;
  answer?.();
});

function contextFor(headers) {
  const deadline = Number(headers['lambda-runtime-deadline-ms']);
  const clientContext = headers['lambda-runtime-client-context'];
  return {
    awsRequestId: headers['lambda-runtime-aws-request-id'],
    invokedFunctionArn: headers['lambda-runtime-invoked-function-arn'],
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
    clientContext: clientContext ? JSON.parse(clientContext) : undefined,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => deadline - Date.now(),
  };
}

async function next() {
  const { headers, body } = await request('GET', '/2018-06-01/runtime/invocation/next');
  const traceId = headers['lambda-runtime-trace-id'];
  if (traceId) process.env._X_AMZN_TRACE_ID = traceId;
  else delete process.env._X_AMZN_TRACE_ID;
  const context = contextFor(headers);
  const event = JSON.parse(body.toString());
  if (handler[STREAMING] === 'response') await invokeStreaming(event, context);
  else invokeBuffered(event, context);
}

function schedule() {
  setImmediate(() =>
    next().catch((error) => {
      console.error('runtime client failed', error);
      process.exit(1);
    }),
  );
}

function invokeBuffered(event, context) {
  const id = context.awsRequestId;
  let done = false;
  const calledAt = performance.now();
  const complete = (error, result) => {
    if (done) return;
    done = true;
    onEmptyLoop = undefined;
    // For the benchmark: how long the handler call took, as the runtime saw it.
    const headers = timing
      ? { 'X-Handler-Microseconds': String(Math.round((performance.now() - calledAt) * 1000)) }
      : {};
    const posted =
      error === undefined || error === null
        ? request('POST', `/2018-06-01/runtime/invocation/${id}/response`, {
            headers: { 'Content-Type': 'application/json', ...headers },
            body: JSON.stringify(result ?? null),
          })
        : request('POST', `/2018-06-01/runtime/invocation/${id}/error`, {
            headers: {
              'Lambda-Runtime-Function-Error-Type': errorType(error),
              'Content-Type': 'application/json',
            },
            body: errorBody(error),
          });
    posted.then(schedule, (failure) => {
      console.error('runtime client could not post', failure);
      process.exit(1);
    });
  };
  const callback = (error, result) => {
    if (context.callbackWaitsForEmptyEventLoop) onEmptyLoop = () => complete(error, result);
    else complete(error, result);
  };
  // The Node.js 20 and 22 runtimes' legacy context methods: they answer at once, callback or not.
  if (!nodejs24) {
    context.done = (error, result) => complete(error, result);
    context.succeed = (result) => complete(null, result);
    context.fail = (error) => complete(error ?? 'handled');
  }
  // A handler that neither returns a promise nor calls back is answered null on an empty loop.
  onEmptyLoop = () => complete(null, null);
  try {
    const result = nodejs24 ? handler(event, context) : handler(event, context, callback);
    if (result && typeof result.then === 'function')
      result.then(
        (value) => complete(null, value),
        (error) => complete(error),
      );
    else if (nodejs24) complete(null, result);
  } catch (error) {
    complete(error);
  }
}

async function invokeStreaming(event, context) {
  const id = context.awsRequestId;
  let status = 'ready';
  const req = http.request({
    host,
    port,
    method: 'POST',
    path: `/2018-06-01/runtime/invocation/${id}/response`,
    agent: new http.Agent({ keepAlive: false }),
    headers: {
      'Lambda-Runtime-Function-Response-Mode': 'streaming',
      'Transfer-Encoding': 'chunked',
      Trailer: 'Lambda-Runtime-Function-Error-Type, Lambda-Runtime-Function-Error-Body',
      'Content-Type': 'application/octet-stream',
    },
  });
  const responded = new Promise((resolve, reject) => {
    req.on('response', (res) => {
      res.resume();
      res.on('end', resolve);
    });
    req.on('error', reject);
  });
  const write = req.write.bind(req);
  req.setContentType = (type) => {
    if (status !== 'ready') throw new Error('Cannot set content-type, too late.');
    req.setHeader('Content-Type', type);
  };
  req.write = function (chunk, encoding, cb) {
    if (status === 'ready' && typeof this._onBeforeFirstWrite === 'function')
      this._onBeforeFirstWrite((c) => write(c));
    status = 'written';
    return write(chunk, encoding, cb);
  };
  const fail = (error) => {
    req.addTrailers({
      'Lambda-Runtime-Function-Error-Type': errorType(error),
      'Lambda-Runtime-Function-Error-Body': Buffer.from(errorBody(error)).toString('base64'),
    });
    req.end();
  };
  try {
    const result = handler(event, req, context);
    if (!result || typeof result.then !== 'function')
      throw new Error('Streaming does not support non-async handlers.');
    await result;
    await responded;
    if (!req.writableFinished) throw new Error('Response stream is not finished.');
  } catch (error) {
    if (!req.writableEnded) fail(error);
    await responded.catch(() => {});
  }
  schedule();
}

schedule();
