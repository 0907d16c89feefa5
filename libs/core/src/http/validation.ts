import { type ArgumentMetadata, ValidationPipe, type ValidationError } from '@nestjs/common';
import { InvalidRequest } from '../errors/domain-error.js';

interface FieldError {
  field: string;
  messages: string[];
}

function flatten(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = error.constraints ? [{ field, messages: Object.values(error.constraints) }] : [];
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

/**
 * Keys that name parts of every JavaScript object. The object mapping under validation treats
 * them as machinery and drops them, so a metadata key or filter named so would vanish without a
 * word: they are refused, wherever they stand in a body or query.
 */
const RESERVED_KEYS = new Set([
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'valueOf',
  'hasOwnProperty',
  'isPrototypeOf',
  'propertyIsEnumerable',
  'toLocaleString',
  '__defineGetter__',
  '__defineSetter__',
  '__lookupGetter__',
  '__lookupSetter__',
]);

/** The path of the first reserved key in a parsed JSON value (depth-first), or undefined. */
function reservedKeyIn(value: unknown, path: string, depth = 0): string | undefined {
  if (typeof value !== 'object' || value === null || depth > 64) return undefined;
  for (const [key, item] of Object.entries(value)) {
    const here = path ? `${path}.${key}` : key;
    if (RESERVED_KEYS.has(key)) return here;
    const nested = reservedKeyIn(item, Array.isArray(value) ? `${path}[${key}]` : here, depth + 1);
    if (nested) return nested;
  }
  return undefined;
}

class StrictValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' || metadata.type === 'query') {
      const field = reservedKeyIn(value, '');
      if (field) {
        const key = field.split('.').pop()!;
        const message = `key ${JSON.stringify(key)} is reserved; use another name`;
        throw new InvalidRequest(`${field}: ${message}`, [{ field, messages: [message] }]);
      }
    }
    return super.transform(value, metadata);
  }
}

/** Strict validation for every body, query and param: unknown fields are errors, not ignored. */
export function createValidationPipe(): ValidationPipe {
  return new StrictValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => {
      const fields = flatten(errors);
      const summary = fields.map((f) => `${f.field}: ${f.messages.join(', ')}`).join('; ');
      return new InvalidRequest(summary || 'The request is invalid.', fields);
    },
  });
}
