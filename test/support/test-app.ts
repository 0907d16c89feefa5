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
 * The real application, configured as main.ts configures it, with the given environment. By
 * default it uses the shared real Chroma server, in a fresh database of its own; `CHROMA_URL: ''`
 * makes it start its embedded Chroma, as `npm start` does.
 */
export async function createTestApp(
  env: Record<string, string | undefined> = {},
): Promise<TestApp> {
  const chroma: Record<string, string | undefined> = {};
  if (env.CHROMA_URL !== '') {
    chroma.CHROMA_URL = env.CHROMA_URL ?? sharedChromaUrl();
    chroma.CHROMA_DATABASE = env.CHROMA_DATABASE ?? (await createChromaDatabase(chroma.CHROMA_URL));
  }
  const moduleRef = await Test.createTestingModule({
    imports: [
      AppModule.forRoot({
        NODE_ENV: 'test',
        LOG_LEVEL: 'silent',
        DATA_DIR: mkdtempSync(join(tmpdir(), 'ms-data-')),
        VLLM_URL: '',
        ...env,
        ...chroma,
      }),
    ],
  }).compile();
  const app = moduleRef.createNestApplication({ bodyParser: false });
  configureApp(app);
  await app.init();
  return { app, http: request(app.getHttpServer()), close: () => app.close() };
}
