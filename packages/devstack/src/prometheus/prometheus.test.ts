import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StackError } from '../errors.js';
import { isRunning } from '../process/procfs.js';
import { ensurePrometheus } from './binary.js';
import { type PrometheusServer, startPrometheus } from './server.js';

interface QueryResponse {
  status: string;
  data: { result: { metric: Record<string, string>; value: [number, string] }[] };
}

describe('Prometheus', () => {
  let target: Server;
  let targetPort = 0;
  let prometheus: PrometheusServer;

  beforeAll(async () => {
    // A scrape target in the text exposition format, as any instrumented service serves it.
    target = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
      res.end('# TYPE devstack_probe_total counter\ndevstack_probe_total{path="/x"} 42\n');
    });
    await new Promise<void>((done) => target.listen(0, '127.0.0.1', done));
    targetPort = (target.address() as { port: number }).port;
    prometheus = await startPrometheus({
      config: {
        global: { scrape_interval: '1s' },
        scrape_configs: [{ job_name: 'probe', static_configs: [{ targets: [`127.0.0.1:${targetPort}`] }] }],
      },
    });
  });
  afterAll(async () => {
    await prometheus?.stop();
    await new Promise<void>((done) => target.close(() => done()));
  });

  it('is the real server: it scrapes a target and answers PromQL', async () => {
    expect(prometheus.version).toMatch(/^\d+\.\d+\.\d+/);
    let result: QueryResponse['data']['result'] = [];
    for (let i = 0; i < 100 && result.length === 0; i++) {
      const response = await fetch(`${prometheus.url}/api/v1/query?query=devstack_probe_total`);
      result = ((await response.json()) as QueryResponse).data.result;
      if (result.length === 0) await new Promise((r) => setTimeout(r, 100));
    }
    expect(result).toEqual([
      {
        metric: {
          __name__: 'devstack_probe_total',
          instance: `127.0.0.1:${targetPort}`,
          job: 'probe',
          path: '/x',
        },
        value: [expect.any(Number), '42'],
      },
    ]);
  });

  it('stop ends the process and removes the folder it created', async () => {
    const other = await startPrometheus({ config: { scrape_configs: [] } });
    expect(isRunning(other.pid)).toBe(true);
    await other.stop();
    expect(isRunning(other.pid)).toBe(false);
    expect(existsSync(other.dir)).toBe(false);
  });

  it('names the program when it does not run', async () => {
    const error = await ensurePrometheus({ binary: '/nonexistent/prometheus', cacheDir: '/tmp' }).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(StackError);
    expect(error).toMatchObject({ code: 'PREREQUISITE_MISSING', service: 'prometheus' });
    expect(error.message).toContain('"/nonexistent/prometheus" does not run');
  });

  it('reports a configuration Prometheus refuses, with its own words from the log', async () => {
    const error = await startPrometheus({ config: { scrape_configs: [{ job_name: '' }] } }).catch((e) => e);
    expect(error).toMatchObject({ code: 'PROCESS_EXITED', service: 'prometheus' });
    expect(error.message).toContain('job_name is empty');
  });
});
