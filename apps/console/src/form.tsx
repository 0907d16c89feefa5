import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { ApiProblem } from './api';

export interface FormState {
  busy: boolean;
  /** The API's message about the request as a whole. */
  message: string;
  /** The API's message per field it named. */
  fields: Record<string, string>;
  /** Runs the action; what the API refused is shown beside the fields, not thrown. */
  run: (action: () => Promise<unknown>) => Promise<boolean>;
}

export function useFormState(): FormState {
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState('');
  const [fields, setFields] = useState<Record<string, string>>({});
  const run = async (action: () => Promise<unknown>) => {
    setBusy(true);
    setMessage('');
    setFields({});
    try {
      await action();
      return true;
    } catch (error) {
      const problem =
        error instanceof ApiProblem ? error : new ApiProblem(0, (error as Error).message);
      setFields(problem.fields);
      // The message is shown beside the field it names; what names none is shown for the form.
      if (Object.keys(problem.fields).length === 0) setMessage(problem.message);
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { busy, message, fields, run };
}

let nextId = 0;
const uniqueId = (name: string) => `f-${name}-${++nextId}`;

interface FieldProps {
  label: string;
  name: string;
  form: FormState;
  children: (props: {
    id: string;
    'aria-describedby'?: string;
    'aria-invalid'?: boolean;
  }) => ComponentChildren;
}

/** A labelled control with the API's message about it underneath. */
export function Field({ label, name, form, children }: FieldProps) {
  const [id] = useState(() => uniqueId(name));
  const error = Object.entries(form.fields)
    .filter(
      ([field]) => field === name || field.startsWith(`${name}.`) || field.startsWith(`${name}[`),
    )
    .map(([, message]) => message)
    .join('; ');
  return (
    <div class="field">
      <label for={id}>{label}</label>
      {children({
        id,
        ...(error ? { 'aria-describedby': `${id}-error`, 'aria-invalid': true } : {}),
      })}
      {error && (
        <p class="field-error" id={`${id}-error`} role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

export function FormMessage({ form }: { form: FormState }) {
  return form.message ? (
    <p class="form-error" role="alert">
      {form.message}
    </p>
  ) : null;
}
