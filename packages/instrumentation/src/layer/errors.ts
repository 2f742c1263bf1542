/**
 * The errors the Node.js runtime reports when it cannot load a handler, with the same names, so
 * a function behind the layer fails its init exactly as it would without it.
 */
class RuntimeError extends Error {
  constructor(name: string, message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = name;
  }
}

export class MalformedHandlerName extends RuntimeError {
  constructor(message: string) {
    super('Runtime.MalformedHandlerName', message);
  }
}

export class ImportModuleError extends RuntimeError {
  constructor(cause: unknown) {
    super('Runtime.ImportModuleError', String(cause), cause);
  }
}

export class UserCodeSyntaxError extends RuntimeError {
  constructor(cause: SyntaxError) {
    super('Runtime.UserCodeSyntaxError', String(cause), cause);
    this.stack = cause.stack;
  }
}

export class HandlerNotFound extends RuntimeError {
  constructor(message: string) {
    super('Runtime.HandlerNotFound', message);
  }
}
