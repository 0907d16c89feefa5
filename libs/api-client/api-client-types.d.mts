export const API_CLIENT_TYPES: string;
export function apiClientTypes(document: object): Promise<string>;
