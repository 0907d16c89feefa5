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
 * before the route runs, so the subject is listed and erasable from its first use; and acts as a
 * caller that knows the subject's erasures so far (SubjectErasures).
 */
@Injectable()
export class SubjectActivityInterceptor implements NestInterceptor {
  constructor(private readonly subjects: SubjectRegistry) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<{ caller?: Caller }>();
    if (!request?.caller?.subject) return next.handle();
    return from(this.subjects.enter(request.caller)).pipe(
      mergeMap((caller) => {
        request.caller = caller; // what the route reads as its caller (CurrentCaller)
        return next.handle();
      }),
    );
  }
}
