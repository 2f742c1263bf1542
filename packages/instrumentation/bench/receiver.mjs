// The benchmark's OTLP/HTTP endpoint, in its own process as a collector would be: decodes every
// request with @firefly/otlp-codec before answering, counts spans and metric points, and tells the
// counts at GET /counts. Prints its port on stdout.
import { createServer } from 'node:http';
import { CONTENT_TYPES, decodeMetrics, decodeTraces, encodeResponse, encodingOf } from '@firefly/otlp-codec';

const counts = { spans: 0, points: 0, requests: 0 };
const server = createServer((req, res) => {
  if (req.method === 'GET') {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(counts));
    return;
  }
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    const encoding = encodingOf(req.headers['content-type']);
    const signal = req.url.endsWith('metrics') ? 'metrics' : 'traces';
    counts.requests += 1;
    try {
      if (signal === 'traces') counts.spans += decodeTraces(body, encoding).spans.length;
      else counts.points += decodeMetrics(body, encoding).points.length;
    } catch (error) {
      res.writeHead(400).end(String(error));
      return;
    }
    res.writeHead(200, { 'content-type': CONTENT_TYPES[encoding] });
    res.end(encodeResponse({ rejected: 0, errorMessage: '' }, signal, encoding));
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
