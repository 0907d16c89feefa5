import { join } from 'node:path';
import { Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '@memory-system/core';
import { StateModule } from '@memory-system/state';
import { VectorModule } from '@memory-system/vector';
import { LexicalIndex } from './lexical-index.port.js';
import { LexicalSearch } from './lexical-search.js';
import { SqliteLexicalIndex } from './sqlite/sqlite-lexical.index.js';

/** The keyword index lives beside the state store; it is derived data, rebuilt from Chroma. */
export function lexicalIndexFile(dataDir: string): string {
  return join(dataDir, 'lexical.db');
}

@Injectable()
class LexicalIndexLifecycle implements OnApplicationShutdown {
  constructor(private readonly index: LexicalIndex) {}

  onApplicationShutdown(): void {
    (this.index as { close?: () => void }).close?.();
  }
}

@Module({
  imports: [VectorModule, StateModule],
  providers: [
    {
      provide: LexicalIndex,
      inject: [AppConfig],
      useFactory: (config: AppConfig) =>
        new SqliteLexicalIndex(lexicalIndexFile(config.dataDir), undefined, {
          neighbourWeight: config.search.signals.neighbourWeight,
        }),
    },
    LexicalIndexLifecycle,
    LexicalSearch,
  ],
  exports: [LexicalSearch],
})
export class RetrievalModule {}
