import { Injectable, type PipeTransform } from '@nestjs/common';
import { type DomainError, MemoryNotFound } from '@memory-system/core';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A malformed id names nothing: the same 404 as an unknown one, revealing nothing. */
export class UuidOr404 implements PipeTransform<string, string> {
  constructor(private readonly notFound: (id: string) => DomainError) {}

  transform(value: string): string {
    if (!UUID.test(value)) throw this.notFound(value.slice(0, 100));
    return value.toLowerCase();
  }
}

@Injectable()
export class MemoryIdPipe extends UuidOr404 {
  constructor() {
    super((id) => new MemoryNotFound(id));
  }
}
