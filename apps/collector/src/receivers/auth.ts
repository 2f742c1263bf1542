import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { type TokenAuthOptions, tokenAuthOptions, validate } from './config.js';
import { ReceiverError } from './errors.js';

const PLUGIN = 'firefly-token-auth';

/**
 * Requires one of `tokens` as `Authorization: Bearer <token>` or `X-API-Key: <token>` on every
 * route of the receiver that registers it. A fastify-plugin (not encapsulated) so that its
 * onRequest hook lands in the receiver's own context, before the body is read. Whatever failed —
 * no credentials, a wrong token, another scheme — the answer is the same 401.
 */
export const tokenAuth = fp<TokenAuthOptions>(
  async (fastify, raw) => {
    const { tokens } = validate(PLUGIN, tokenAuthOptions, raw);
    if (tokens.length === 0) return;
    const digests = tokens.map(sha256);
    fastify.addHook('onRequest', async (request, reply) => {
      if (credentialsOf(request).some((presented) => matchesAny(sha256(presented), digests))) return;
      reply.header('www-authenticate', 'Bearer');
      throw new ReceiverError('UNAUTHORIZED');
    });
  },
  { name: PLUGIN, fastify: '5.x' },
);

function credentialsOf(request: FastifyRequest): string[] {
  const presented: string[] = [];
  const authorization = request.headers.authorization;
  const bearer = /^Bearer +(\S+) *$/i.exec(authorization ?? '');
  if (bearer?.[1] !== undefined) presented.push(bearer[1]);
  const apiKey = request.headers['x-api-key'];
  if (typeof apiKey === 'string' && apiKey !== '') presented.push(apiKey);
  return presented;
}

// Both sides are hashed so that the comparison takes the same time whatever the length or content
// of the presented token, and every configured token is compared, matched or not.
function matchesAny(presented: Buffer, digests: readonly Buffer[]): boolean {
  let matched = false;
  for (const digest of digests) {
    if (timingSafeEqual(presented, digest)) matched = true;
  }
  return matched;
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
