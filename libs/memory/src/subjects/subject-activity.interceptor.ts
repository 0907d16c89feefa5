import {
  type CallHandler,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common';
import type { Caller } from '@memory-system/core';
import { from, mergeMap, type Observable } from 'rxjs';
import { SubjectRegistry } from './subject-registry.js';

/**
 * Every request that acts for a subject (REST, MCP, the chat proxy) registers it with its account,
 * before the route runs, so the subject is listed and erasable from its first use.
 */
@Injectable()
export class SubjectActivityInterceptor implements NestInterceptor {
  constructor(private readonly subjects: SubjectRegistry) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const caller = context.switchToHttp().getRequest<{ caller?: Caller }>()?.caller;
    if (!caller?.subject) return next.handle();
    return from(this.subjects.touch(caller)).pipe(mergeMap(() => next.handle()));
  }
}
