import { type Context, context, diag } from '@opentelemetry/api';
import type {
  AbsoluteLocation,
  InitializeHandlerOptions,
  InitializeMiddleware,
  MiddlewareStack,
  Pluggable,
} from '@smithy/types';
import { isRecord } from '../carrier.js';
import { injectW3C } from '../w3c.js';
import { injectEventBridge } from './eventbridge.js';
import { injectKinesis } from './kinesis.js';
import { injectLambda } from './lambda.js';
import { injectSns } from './sns.js';
import { injectSqs } from './sqs.js';

export interface PropagationMiddlewareOptions {
  /** The context to inject; default the active one (`context.active()`) when the command is sent. */
  getContext?: () => Context;
  /**
   * Also inject into Kinesis `PutRecord`/`PutRecords` data that is a JSON object (the `_firefly`
   * field). Default false: it changes the bytes every consumer of the stream reads.
   */
  kinesis?: boolean;
}

type Injector = (command: string, input: Record<string, unknown>, carrier: Record<string, string>) => unknown;

// By client, because command names repeat across services (SNS and IoT Data both have Publish).
const INJECTORS: Record<string, Injector> = {
  SQSClient: injectSqs,
  SNSClient: injectSns,
  EventBridgeClient: injectEventBridge,
  LambdaClient: injectLambda,
};

/** Where the middleware goes: before serialization, so it sees and edits the command's input. */
export const fireflyPropagationMiddlewareOptions: InitializeHandlerOptions & AbsoluteLocation = {
  step: 'initialize',
  name: 'fireflyPropagation',
  override: true,
};

/**
 * AWS SDK v3 middleware that writes the W3C context into the request where the receiving side of
 * `extractContext` reads it. Never throws: when anything goes wrong the request is sent unchanged.
 * The command's input object is never modified (callers reuse them); a copy is sent instead.
 */
export function fireflyPropagationMiddleware<Input extends object, Output extends object>(
  options: PropagationMiddlewareOptions = {},
): InitializeMiddleware<Input, Output> {
  const injectors = options.kinesis === true ? { ...INJECTORS, KinesisClient: injectKinesis } : INJECTORS;
  return (next, handlerContext) => (args) => {
    let input: unknown = args.input;
    try {
      const injector = injectors[handlerContext.clientName ?? ''];
      if (injector !== undefined && isRecord(input)) {
        const carrier = injectW3C(options.getContext === undefined ? context.active() : options.getContext());
        if (carrier.traceparent !== undefined)
          input = injector(handlerContext.commandName ?? '', input, carrier) ?? input;
      }
    } catch (error) {
      diag.debug('@firefly/propagation: request sent without trace context', error);
      input = args.input;
    }
    return next(input === args.input ? args : { ...args, input: input as Input });
  };
}

/** The middleware as a plugin: `client.middlewareStack.use(fireflyPropagationPlugin())`. */
export function fireflyPropagationPlugin<Input extends object, Output extends object>(
  options?: PropagationMiddlewareOptions,
): Pluggable<Input, Output> {
  return {
    applyToStack: (stack) =>
      stack.add(fireflyPropagationMiddleware(options), fireflyPropagationMiddlewareOptions),
  };
}

/** Any AWS SDK v3 client: the middleware works on every command input, whatever the service. */
export interface AwsClientLike {
  // `never`: every client's stack is typed by its own service's inputs, so accept any of them.
  middlewareStack: { use(pluggable: never): void };
}

/** Adds the middleware to an AWS SDK v3 client (once: adding again replaces it) and returns the client. */
export function instrumentAwsClient<Client extends AwsClientLike>(
  client: Client,
  options?: PropagationMiddlewareOptions,
): Client {
  (client.middlewareStack as MiddlewareStack<object, object>).use(fireflyPropagationPlugin(options));
  return client;
}
