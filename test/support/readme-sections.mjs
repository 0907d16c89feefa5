// Keeps the README's generated parts true: the table of contents (every `##` section) and the
// configuration table (every variable of .env.example, which a unit test keeps equal to the config
// schema, with its default and the comment above it). `npm run readme` rewrites them; the
// project-files suite fails when they are stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import prettier from 'prettier';

const TOC = ['<!-- toc:start (npm run readme) -->', '<!-- toc:end -->'];
const CONFIG = ['<!-- config-table:start (npm run readme) -->', '<!-- config-table:end -->'];

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
export function anchorOf(heading) {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');
}

export function tableOfContents(readme) {
  const headings = [...readme.matchAll(/^## (.+)$/gm)].map((match) => match[1].trim());
  return headings.map((heading) => `- [${heading}](#${anchorOf(heading)})`).join('\n');
}

/**
 * .env.example as blocks: a `# --- Group ---` line starts a group; comment lines then the variables
 * right under them form one block (the comment describes them all).
 */
export function envBlocks(envExample) {
  const groups = [];
  let comment = [];
  let block = null;
  for (const raw of envExample.split('\n')) {
    const line = raw.trimEnd();
    const group = /^# -{2,} (.+?) -+$/.exec(line);
    const variable = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    if (group) {
      groups.push({ title: group[1], blocks: [] });
      comment = [];
      block = null;
    } else if (variable && groups.length > 0) {
      if (!block) {
        block = { comment: comment.join(' '), variables: [] };
        groups.at(-1).blocks.push(block);
      }
      block.variables.push({ name: variable[1], value: variable[2] });
      comment = [];
    } else if (line.startsWith('#')) {
      block = null;
      comment.push(line.replace(/^#\s?/, '').trim());
    } else {
      block = null;
      comment = [];
    }
  }
  return groups;
}

const cell = (text) => text.replace(/\|/g, '\\|');
const code = (text) => (text.includes('`') ? `\`\` ${text} \`\`` : `\`${text}\``);

export function configurationTable(envExample) {
  const rows = ['| variable | default | meaning |', '| --- | --- | --- |'];
  for (const group of envBlocks(envExample)) {
    rows.push(`| **${cell(group.title)}** | | |`);
    for (const block of group.blocks) {
      const names = block.variables.map((v) => code(v.name)).join('<br>');
      const defaults = block.variables
        .map((v) => (v.value === '' ? '_(empty)_' : cell(code(v.value))))
        .join('<br>');
      rows.push(`| ${names} | ${defaults} | ${cell(block.comment)} |`);
    }
  }
  return rows.join('\n');
}

function replaceBetween(text, [start, end], body) {
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new Error(`README.md has no "${start}" … "${end}" section`);
  return `${text.slice(0, from + start.length)}\n\n${body}\n\n${text.slice(to)}`;
}

/** The README as it should be, given its text and .env.example's. */
export async function renderReadme(readme, envExample) {
  let text = replaceBetween(readme, TOC, tableOfContents(readme));
  text = replaceBetween(text, CONFIG, configurationTable(envExample));
  const options = (await prettier.resolveConfig('README.md')) ?? {};
  return prettier.format(text, { ...options, parser: 'markdown' });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const root = process.cwd();
  const readmePath = join(root, 'README.md');
  const readme = readFileSync(readmePath, 'utf8');
  const next = await renderReadme(readme, readFileSync(join(root, '.env.example'), 'utf8'));
  if (process.argv.includes('--check')) {
    if (next !== readme) {
      console.error('README.md is stale: run npm run readme');
      process.exit(1);
    }
  } else {
    writeFileSync(readmePath, next);
    console.log(next === readme ? 'README.md was up to date' : 'README.md updated');
  }
}
