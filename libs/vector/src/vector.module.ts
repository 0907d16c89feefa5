import { Inject, Injectable, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '@memory-system/core';
import { ChromaEndpoint } from './chroma/chroma-endpoint.js';
import { ChromaVectorStore } from './chroma/chroma-vector.store.js';
import { chromaDataDir, EmbeddedChromaServer } from './embedded/embedded-chroma.server.js';
import { VectorStore } from './vector-store.port.js';

/** Uses CHROMA_URL when set; otherwise starts (and later stops) the embedded Chroma server. */
async function connectToChroma(config: AppConfig): Promise<ChromaEndpoint> {
  const logger = new Logger('Chroma');
  if (config.chroma.url) {
    logger.log(`Using the Chroma server at ${config.chroma.url}`);
    return new ChromaEndpoint(config.chroma.url, config.chroma.headers);
  }
  const server = await EmbeddedChromaServer.attachOrStart({
    dataDir: chromaDataDir(config.dataDir),
    runtimeDir: config.chroma.runtimeDir,
    startupTimeoutMs: config.chroma.startupTimeoutMs,
    log: (message) => logger.log(message),
  });
  return new ChromaEndpoint(server.url, {}, () => server.stop());
}

@Injectable()
class ChromaEndpointLifecycle implements OnApplicationShutdown {
  constructor(@Inject(ChromaEndpoint) private readonly endpoint: ChromaEndpoint) {}

  async onApplicationShutdown(): Promise<void> {
    await this.endpoint.close();
  }
}

@Module({
  providers: [
    { provide: ChromaEndpoint, inject: [AppConfig], useFactory: connectToChroma },
    ChromaEndpointLifecycle,
    { provide: VectorStore, useClass: ChromaVectorStore },
  ],
  exports: [VectorStore, ChromaEndpoint],
})
export class VectorModule {}
