import { registerDecorator, type ValidationArguments } from 'class-validator';

/** The moment an ISO 8601 text names (ms), or undefined when it names none JavaScript can read. */
export function instantOf(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const at = Date.parse(value);
  return Number.isFinite(at) ? at : undefined;
}

/**
 * A date-time JavaScript can read: ISO 8601 also allows forms (week and ordinal dates) that
 * Date.parse does not, and a filter must never hold a date nothing can compare.
 */
export function IsReadableInstant(): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isReadableInstant',
      target: target.constructor,
      propertyName: propertyName as string,
      validator: {
        validate: (value: unknown) => instantOf(value) !== undefined,
        defaultMessage: (args?: ValidationArguments) =>
          `${args?.property} must be an ISO 8601 date-time such as 2023-05-08T13:56:00Z`,
      },
    });
}

/**
 * The end of a window comes after its start (`startField` of the same object); a start or end
 * that is not a date is another rule's to report.
 */
export function IsLaterThan(startField: string): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isLaterThan',
      target: target.constructor,
      propertyName: propertyName as string,
      constraints: [startField],
      validator: {
        validate: (value: unknown, args?: ValidationArguments) => {
          const end = instantOf(value);
          const start = instantOf((args?.object as Record<string, unknown>)[startField]);
          return end === undefined || start === undefined || end > start;
        },
        defaultMessage: (args?: ValidationArguments) =>
          `${args?.property} must be later than ${startField} (the window would be empty)`,
      },
    });
}
