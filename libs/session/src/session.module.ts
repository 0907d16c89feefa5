import { Global, Module, type OnModuleInit } from '@nestjs/common';
import { UserDataErasure } from '@memory-system/core';
import { MemoryModule, SessionRegistry } from '@memory-system/memory';
import { StateModule } from '@memory-system/state';
import { SessionsController } from './sessions.controller.js';
import { SessionContextService } from './session-context.service.js';
import { SessionsService } from './sessions.service.js';

/** Global so that MemoryModule finds the SessionRegistry it needs without importing this module. */
@Global()
@Module({
  imports: [StateModule, MemoryModule],
  controllers: [SessionsController],
  providers: [
    SessionsService,
    SessionContextService,
    { provide: SessionRegistry, useExisting: SessionsService },
  ],
  exports: [SessionRegistry, SessionsService, SessionContextService],
})
export class SessionModule implements OnModuleInit {
  constructor(
    private readonly erasure: UserDataErasure,
    private readonly sessions: SessionsService,
  ) {}

  onModuleInit(): void {
    this.erasure.register(this.sessions);
  }
}
