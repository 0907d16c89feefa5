import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { Injectable, Module, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { AppConfig } from '@memory-system/core';
import { StateModule } from '@memory-system/state';
import { VectorModule } from '@memory-system/vector';
import { LexicalIndex } from './lexical-index.port.js';
import { LexicalSearch } from './lexical-search.js';
import { ShardedLexicalIndex } from './sqlite/sharded-lexical.index.js';
import { NEIGHBOUR_WINDOW } from './signals/conversation-thread.js';
import { loadBaseForms } from './text/base-form.js';

/**
 * The keyword index lives beside the state store, in LEXICAL_INDEX_FILES SQLite files; it is
 * derived data, rebuilt from Chroma.
 */
export function lexicalIndexDir(dataDir: string): string {
  return join(dataDir, 'lexical');
}

/** Enough that a file's schema stays small with many thousands of owners (users, subjects). */
export const LEXICAL_INDEX_FILES = 32;

/** The one file of earlier versions: derived data, so removed (owners are rebuilt when used). */
function removeSingleFileIndex(dataDir: string): void {
  for (const suffix of ['', '-wal', '-shm']) {
    rmSync(join(dataDir, `lexical.db${suffix}`), { force: true });
  }
}

@Injectable()
class LexicalIndexLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(private readonly index: LexicalIndex) {}

  onModuleInit(): void {
    // The keyword analysis' word lists, before the first request would wait for them.
    loadBaseForms();
  }

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
      useFactory: (config: AppConfig) => {
        removeSingleFileIndex(config.dataDir);
        return new ShardedLexicalIndex(lexicalIndexDir(config.dataDir), LEXICAL_INDEX_FILES, {
          neighbourWeight: config.search.signals.neighbourWeight,
          neighbourWindow: {
            ...NEIGHBOUR_WINDOW,
            answeredQuestion: config.search.signals.answeredQuestionRepeats,
          },
        });
      },
    },
    LexicalIndexLifecycle,
    LexicalSearch,
  ],
  exports: [LexicalSearch],
})
export class RetrievalModule {}
