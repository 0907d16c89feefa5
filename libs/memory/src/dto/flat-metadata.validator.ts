import { registerDecorator, type ValidationOptions } from 'class-validator';
import { MemoryLimits } from '../domain/memory-limits.js';

/** Why `value` is not flat metadata Chroma can store, or undefined when it is. */
export function flatMetadataProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return 'must be an object of string, number or boolean values';
  }
  const entries = Object.entries(value);
  if (entries.length > MemoryLimits.metadataMaxKeys) {
    return `must have at most ${MemoryLimits.metadataMaxKeys} keys`;
  }
  for (const [key, item] of entries) {
    if (!MemoryLimits.metadataKeyPattern.test(key)) {
      return `key ${JSON.stringify(key.slice(0, 80))} must be 1-64 characters of letters, digits, _ . - and start with a letter or _`;
    }
    if (typeof item === 'string') {
      if (item.length > MemoryLimits.metadataStringMaxChars) {
        return `${key} must be at most ${MemoryLimits.metadataStringMaxChars} characters`;
      }
      if (item.includes('\u0000')) return `${key} must not contain NUL characters`;
    } else if (typeof item === 'number') {
      if (!Number.isFinite(item)) return `${key} must be a finite number`;
    } else if (typeof item !== 'boolean') {
      return `${key} must be a string, number or boolean (nested values are not stored)`;
    }
  }
  return undefined;
}

/** Flat key/value metadata as Chroma stores it: string, finite number or boolean values. */
export function IsFlatMetadata(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isFlatMetadata',
      target: target.constructor,
      propertyName: propertyName as string,
      options,
      validator: {
        validate: (value: unknown) => flatMetadataProblem(value) === undefined,
        defaultMessage: (args) => `${args?.property} ${flatMetadataProblem(args?.value)}`,
      },
    });
}
