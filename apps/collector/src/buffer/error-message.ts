/**
 * An error's message for logs, headers and refusals; kafkajs's aggregate errors (e.g. one per
 * topic of a createTopics call) list their parts, which say what actually went wrong.
 */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) {
    const nested = (error as { errors?: unknown }).errors;
    if (Array.isArray(nested) && nested.length > 0) {
      return `${error.message} (${nested.map((e) => errorMessage(e)).join('; ')})`;
    }
    return error.message;
  }
  return String(error);
}
