import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { AppModule } from '../../apps/memory-api/src/app.module.js';
import { configureApp } from '../../apps/memory-api/src/app.setup.js';
import { createChromaDatabase, sharedChromaUrl } from './chroma.js';

export interface TestApp {
  app: INestApplication;
  http: ReturnType<typeof request>;
  close: () => Promise<void>;
}

/**
 * The real application, configured as main.ts configures it, against the shared real Chroma
 * server (a fresh database unless `CHROMA_DATABASE` is given) with the given environment.
 */
export async function createTestApp(env: Record<string, string | undefined> = {}): Promise<TestApp> {
  const chromaUrl = env.CHROMA_URL ?? sharedChromaUrl();
  const database = env.CHROMA_DATABASE ?? (await createChromaDatabase(chromaUrl));
  const moduleRef = await Test.createTestingModule({
    imports: [
      AppModule.forRoot({
        NODE_ENV: 'test',
        LOG_LEVEL: 'silent',
        DATA_DIR: mkdtempSync(join(tmpdir(), 'ms-data-')),
        VLLM_URL: '',
        ...env,
        CHROMA_URL: chromaUrl,
        CHROMA_DATABASE: database,
      }),
    ],
  }).compile();
  const app = moduleRef.createNestApplication({ bodyParser: false });
  configureApp(app);
  await app.init();
  return { app, http: request(app.getHttpServer()), close: () => app.close() };
}
