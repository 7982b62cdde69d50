/** Waits until a server started by a test fixture answers HTTP at `url` as `good` wants (any status by default), or throws naming `what`. */
export async function waitForAnswer(
  url: string,
  timeoutMs: number,
  what: string,
  good: (res: Response) => boolean = () => true,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const answered = await fetch(url).then(good, () => false);
    if (answered) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what} did not answer on ${url} within ${timeoutMs} ms`);
}
