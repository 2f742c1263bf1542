import { createServer } from 'node:net';
import { type ServerName, StackError } from './errors.js';

export const LOOPBACK = '127.0.0.1';

/** A port the kernel just handed out as free. Another process could take it before we bind it,
 *  which is why servers started on it are health-checked rather than assumed up. */
export function freePort(host: string = LOOPBACK): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ host, port: 0, exclusive: true }, () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolvePort(address.port);
        else reject(new Error('could not read the address of a probe socket'));
      });
    });
  });
}

export function isPortFree(port: number, host: string = LOOPBACK): Promise<boolean> {
  return new Promise((resolveFree) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolveFree(false));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolveFree(true)));
  });
}

/** The requested port if it is free, a fresh ephemeral one if none was requested. */
export async function choosePort(
  service: ServerName,
  what: string,
  requested: number | undefined,
): Promise<number> {
  if (requested === undefined) return freePort();
  if (await isPortFree(requested)) return requested;
  throw new StackError(
    'PORT_IN_USE',
    `${service}: ${what} port ${requested} on ${LOOPBACK} is already in use; choose another or omit it for a free one`,
    { service },
  );
}
