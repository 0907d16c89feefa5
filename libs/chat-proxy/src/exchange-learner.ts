import { Injectable, Logger } from '@nestjs/common';
import { AppConfig, type Caller, Metrics } from '@memory-system/core';
import { ExtractionService } from '@memory-system/memory';
import { type ChatRequestMessage, textOf } from './chat-request.js';

/**
 * Learns from a proxied exchange after it was answered: the latest user turn and the answer go
 * through the same two-call extraction as POST /memories/extract, one extraction per user at a
 * time (as for sessions that learn), cut to EXTRACTION_MAX_INPUT_CHARS. Its outcome is counted,
 * never logged as text.
 */
@Injectable()
export class ExchangeLearner {
  private readonly logger = new Logger('ChatProxy');

  constructor(
    private readonly extraction: ExtractionService,
    private readonly config: AppConfig,
    private readonly metrics: Metrics,
  ) {}

  learnLater(caller: Caller, messages: ChatRequestMessage[], answer: string): void {
    const asked = messages.findLast((m) => m.role === 'user');
    const question = asked ? textOf(asked) : '';
    if (!question.trim()) return;
    const half = Math.floor(this.config.extraction.maxInputChars / 2);
    void this.extraction
      .extract(caller, {
        messages: [
          { role: 'user', content: question.slice(-half) },
          { role: 'assistant', content: answer.slice(0, half) },
        ],
      })
      .then(
        () => this.metrics.proxyLearning.inc({ outcome: 'learned' }),
        (error: Error) => {
          this.metrics.proxyLearning.inc({ outcome: 'failed' });
          this.logger.warn(`Learning from a proxied exchange failed (${error.name})`);
        },
      );
  }
}
