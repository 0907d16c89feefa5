import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getMetadataStorage } from 'class-validator';
import { EnvironmentSchema, SECRET_VARIABLES } from './environment.schema.js';
import { loadConfig } from './load-config.js';

/** `.env.example` documents every variable with its default; this keeps the two honest. */
describe('.env.example', () => {
  const text = readFileSync(join(process.cwd(), '.env.example'), 'utf8');
  const entries = new Map(
    [...text.matchAll(/^([A-Z][A-Z0-9_]*)=(.*)$/gm)].map(([, name, value]) => [name!, value!]),
  );
  const defaults = new EnvironmentSchema() as unknown as Record<string, unknown>;
  // Every property with a validation rule, optional ones included.
  const schemaNames = getMetadataStorage()
    .getTargetValidationMetadatas(EnvironmentSchema, '', true, false)
    .map((rule) => rule.propertyName);

  it('lists every variable the schema reads, and no other', () => {
    expect([...entries.keys()].sort()).toEqual([...new Set(schemaNames)].sort());
  });

  it('shows each default as the schema has it', () => {
    for (const [name, value] of Object.entries(defaults)) {
      if (value !== undefined)
        expect({ name, value: entries.get(name) }).toEqual({ name, value: String(value) });
    }
  });

  it('is itself a valid configuration', () => {
    expect(() => loadConfig(Object.fromEntries(entries))).not.toThrow();
  });

  it('names the *_FILE form of every secret', () => {
    for (const secret of SECRET_VARIABLES) expect(text).toContain(secret);
    expect(text).toContain('_FILE');
  });
});
