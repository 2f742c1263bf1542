/**
 * The layer's `--import` preload (the wrapper script puts it in NODE_OPTIONS). It runs in the
 * runtime process before the runtime reads `_HANDLER`, and points `_HANDLER` at the layer's
 * handler module, keeping the function's own handler in `FIREFLY_HANDLER`: the runtime then loads
 * Firefly's module, which loads and wraps the function's handler exactly as the runtime would have.
 * Nothing else is loaded here, so Node processes the function spawns pay nothing.
 */
import { fileURLToPath } from 'node:url';
import { readBoolean, readString } from '../config/env.js';

const env = process.env;
const configured = readString(env, '_HANDLER');
// handler.js beside this file in the package, handler.mjs in the layer bundle.
const extension = import.meta.url.endsWith('.mjs') ? 'mjs' : 'js';
const module = fileURLToPath(new URL(`./handler.${extension}`, import.meta.url)).slice(
  0,
  -extension.length - 1,
);
const ours = `${module}.handler`;

if (
  readString(env, 'AWS_LAMBDA_RUNTIME_API') !== undefined &&
  configured !== undefined &&
  configured !== ours &&
  readBoolean(env, 'OTEL_SDK_DISABLED') !== true
) {
  env.FIREFLY_HANDLER = configured;
  env._HANDLER = ours;
}
