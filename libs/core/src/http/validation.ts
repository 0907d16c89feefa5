import { type ArgumentMetadata, ValidationPipe, type ValidationError } from '@nestjs/common';
import { InvalidRequest } from '../errors/domain-error.js';

interface FieldError {
  field: string;
  messages: string[];
}

/**
 * One message per field, about its actual mistake: a missing field is "required" (not every rule
 * a value would have to meet), and of a present value only the first rule it breaks is named
 * (validation stops there), type rules first.
 */
function flatten(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const messages =
      error.value === undefined ? [`${field} is required`] : Object.values(error.constraints ?? {});
    const own = error.constraints ? [{ field, messages }] : [];
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

/** A lone UTF-16 surrogate: JSON allows it (`"\ud800"`), Unicode text does not. */
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * The first part of a parsed JSON value that no field may hold (depth-first), with why: a
 * reserved key, or text that is not valid Unicode. Undefined when there is none.
 */
function problemIn(
  value: unknown,
  path: string,
  depth = 0,
): { field: string; message: string } | undefined {
  if (typeof value === 'string') {
    return LONE_SURROGATE.test(value)
      ? {
          field: path || 'body',
          message: 'contains a lone UTF-16 surrogate, which is not valid Unicode text',
        }
      : undefined;
  }
  if (typeof value !== 'object' || value === null || depth > 64) return undefined;
  for (const [key, item] of Object.entries(value)) {
    const here = Array.isArray(value) ? `${path}[${key}]` : path ? `${path}.${key}` : key;
    if (RESERVED_KEYS.has(key)) {
      return { field: here, message: `key ${JSON.stringify(key)} is reserved; use another name` };
    }
    if (LONE_SURROGATE.test(key)) {
      return {
        field: path || 'body',
        message: 'has a key with a lone UTF-16 surrogate, which is not valid Unicode text',
      };
    }
    const nested = problemIn(item, here, depth + 1);
    if (nested) return nested;
  }
  return undefined;
}

class StrictValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' || metadata.type === 'query') {
      const problem = problemIn(value, '');
      if (problem) {
        throw new InvalidRequest(`${problem.field}: ${problem.message}`, [
          { field: problem.field, messages: [problem.message] },
        ]);
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
    stopAtFirstError: true,
    // The value is read by flatten() to tell a missing field; it never reaches an answer.
    validationError: { target: false, value: true },
    exceptionFactory: (errors) => {
      const fields = flatten(errors);
      const summary = fields.map((f) => `${f.field}: ${f.messages.join(', ')}`).join('; ');
      return new InvalidRequest(summary || 'The request is invalid.', fields);
    },
  });
}

const bodyValidation = createValidationPipe();

/**
 * The rules of a REST body applied to a value from elsewhere (MCP tool arguments, an import line,
 * a CLI argument): the same limits, reserved keys and messages, as an InvalidRequest.
 */
export function validateAs<T>(dto: new () => T, value: unknown): Promise<T> {
  return bodyValidation.transform(value, { type: 'body', metatype: dto }) as Promise<T>;
}
