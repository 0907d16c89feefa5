import { Injectable, type PipeTransform } from '@nestjs/common';
import { MemoryNotFound } from '@memory-system/core';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A malformed id names no memory: 404, like an unknown one, revealing nothing. */
@Injectable()
export class MemoryIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!UUID.test(value)) throw new MemoryNotFound(value.slice(0, 100));
    return value.toLowerCase();
  }
}
