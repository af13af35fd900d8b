/** The raw bytes between a JSON string's quotes, unescaped; null when they are not a valid JSON string body. */
export function decodeJsonStringBytes(bytes: readonly number[]): string | null {
  try {
    const value: unknown = JSON.parse(`"${Buffer.from(bytes).toString('utf8')}"`);
    return typeof value === 'string' ? value : null;
  } catch {
    return null;
  }
}
