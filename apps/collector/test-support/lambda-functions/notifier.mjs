// Function C: the end of the chain.
export async function handler(event) {
  return { notified: JSON.parse(event.order).id };
}
