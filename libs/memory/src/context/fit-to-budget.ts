export interface Section {
  heading: string;
  /** In the order they are taken, best first; an item that does not fit is passed over. */
  lines: string[];
  /** Show the kept lines in the opposite order (taken newest first, shown oldest first). */
  reversed?: boolean;
  /** The most tokens this section may take (default: what is left). */
  cap?: number;
}

export interface Fitted {
  text: string;
  tokens: number;
  /** Per section, the lines kept: their index in the section and what each costs. */
  kept: Array<Array<{ index: number; tokens: number }>>;
}

/**
 * Fills a token budget with the sections' lines in order, each section under its heading (only
 * when one of its lines fits) and within its cap. Lines are counted one by one, and the text as a whole once more at
 * the end: where joining changed the count, the last lines taken go until it fits. So the text
 * never counts more than the budget.
 */
export function fitToBudget(
  sections: Section[],
  budget: number,
  count: (text: string) => number,
): Fitted {
  let left = budget;
  const kept = sections.map((section) => {
    const taken: Array<{ index: number; tokens: number }> = [];
    // The blank line between sections and the heading's own line cost tokens too.
    const headingCost = count(`${section.heading}\n`) + 1;
    let room = Math.min(left, section.cap ?? left);
    for (const [index, line] of section.lines.entries()) {
      const tokens = count(`${line}\n`);
      const cost = tokens + (taken.length === 0 ? headingCost : 0);
      if (cost > room) continue;
      taken.push({ index, tokens });
      room -= cost;
      left -= cost;
    }
    return taken;
  });
  for (;;) {
    const text = render(sections, kept);
    const tokens = count(text);
    if (tokens <= budget) return { text, tokens, kept };
    // Joined lines counted more than apart: give up the last line taken.
    const last = kept.findLastIndex((taken) => taken.length > 0);
    kept[last]!.pop();
  }
}

function render(sections: Section[], kept: Fitted['kept']): string {
  return sections
    .map((section, i) => {
      const taken = kept[i]!.map(({ index }) => section.lines[index]!);
      if (taken.length === 0) return '';
      return [section.heading, ...(section.reversed ? taken.reverse() : taken)].join('\n');
    })
    .filter(Boolean)
    .join('\n\n');
}
