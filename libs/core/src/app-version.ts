import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** This release's version, from the package.json beside the running build. */
export const APP_VERSION = (() => {
  try {
    return (
      JSON.parse(readFileSync(join(process.cwd(), 'package.json'), 'utf8')) as { version: string }
    ).version;
  } catch {
    return 'unknown';
  }
})();
