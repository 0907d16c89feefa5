/** Where the Chroma server is and how to authenticate to it. */
export class ChromaEndpoint {
  constructor(
    readonly url: string,
    readonly headers: Record<string, string>,
    /** Stops the server when the app owns it (embedded mode). */
    private readonly stopServer?: () => Promise<void>,
  ) {}

  async close(): Promise<void> {
    await this.stopServer?.();
  }
}
