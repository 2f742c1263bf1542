export type {
  Compression,
  FlushMode,
  InstrumentationOptions,
  LambdaContext,
  MetricsTemporality,
  OtlpProtocol,
  PropagatorName,
  RequestHookInfo,
  ResponseHookInfo,
  XrayMode,
} from './config/options.js';
export { ATTR_FIREFLY_TIMEOUT } from './invocation/invocation.js';
export { instrumentationReady, isWrapped, wrap } from './wrap.js';
