export { extractContext } from './extract/extract-context.js';
export type {
  EventSource,
  ExtractedContext,
  ExtractOptions,
  FaasTrigger,
  LambdaContextLike,
} from './types.js';
