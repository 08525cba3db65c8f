/**
 * A server URL as it may be logged: the password dropped, the user kept (it says which login
 * was tried). Unparsable input is not echoed back, since it may be a secret pasted wrongly.
 */
export function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.password = '';
    return parsed.toString();
  } catch {
    return '(unparsable URL)';
  }
}
