export function anchorOf(heading: string): string;
export function tableOfContents(readme: string): string;
export function configurationTable(envExample: string): string;
export function renderReadme(readme: string, envExample: string): Promise<string>;
