// The typed client's types from the service's OpenAPI document, with openapi-typescript, formatted
// as the repository formats TypeScript. One function, used by `npm run generate:client` and by the
// test that fails when the committed types no longer match the API.
import openapiTS, { astToString } from 'openapi-typescript';
import prettier from 'prettier';

export const API_CLIENT_TYPES = 'libs/api-client/src/openapi.ts';

const HEADER =
  '// Generated from the OpenAPI document (/docs/openapi.json) by `npm run generate:client`\n' +
  '// (openapi-typescript). Do not edit: regenerate after changing a route or a DTO.\n\n';

export async function apiClientTypes(document) {
  // A field with a default may be left out of a request: not required in the types.
  const source = HEADER + astToString(await openapiTS(document, { defaultNonNullable: false }));
  const options = (await prettier.resolveConfig(API_CLIENT_TYPES)) ?? {};
  return prettier.format(source, { ...options, filepath: API_CLIENT_TYPES });
}
