import { diag } from '@opentelemetry/api';
import type { ExtractOptions } from './types.js';

/**
 * The environment variables this package reads, all of them, here. Blank counts as unset; a bad
 * value warns once and falls back to the default.
 */

/** Set by Lambda for every invocation: the X-Ray trace header of the invocation's segment. */
export const ENV_XRAY_TRACE_ID = '_X_AMZN_TRACE_ID';
/** `link` | `parent` | `ignore`: the default of `ExtractOptions.xray`. */
export const ENV_XRAY_MODE = 'FIREFLY_PROPAGATION_XRAY';

type XRayMode = NonNullable<ExtractOptions['xray']>;
const XRAY_MODES: readonly XRayMode[] = ['link', 'parent', 'ignore'];

function readEnv(name: string): string | undefined {
  const value = process.env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

/**
 * `FIREFLY_PROPAGATION_XRAY` is configuration, fixed before the function starts, while extraction
 * runs on every invocation (and every record): it is read and validated once per process.
 */
let envXrayMode: XRayMode | undefined;

/** Option → `FIREFLY_PROPAGATION_XRAY` → `link`. */
export function xrayMode(option: ExtractOptions['xray']): XRayMode {
  if (option !== undefined && XRAY_MODES.includes(option)) return option;
  if (option !== undefined)
    diag.warn(`@firefly/propagation: unknown xray option ${String(option)}, using 'link'`);
  envXrayMode ??= xrayModeFromEnv();
  return envXrayMode;
}

function xrayModeFromEnv(): XRayMode {
  const env = readEnv(ENV_XRAY_MODE);
  if (env === undefined) return 'link';
  const mode = env.toLowerCase() as XRayMode;
  if (XRAY_MODES.includes(mode)) return mode;
  diag.warn(`@firefly/propagation: ${ENV_XRAY_MODE}=${env} is not one of link, parent, ignore; using 'link'`);
  return 'link';
}

/**
 * Forgets what was read from the environment, for tests that change it between calls. Not part of
 * the package's API (`src/index.ts` does not export it).
 * @internal
 */
export function forgetEnvironment(): void {
  envXrayMode = undefined;
}

/** Option → `_X_AMZN_TRACE_ID`, read at each call: Lambda sets it anew for every invocation. */
export function xrayTraceId(option: string | undefined): string | undefined {
  return option !== undefined && option !== '' ? option : readEnv(ENV_XRAY_TRACE_ID);
}
