// What both recall sets' builders draw with: a seeded generator (an LCG: the same seed, the same
// set on every machine), a shuffle by it, and the {A}/{B} template filler.
export function random(seed) {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

export function shuffle(items, next) {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}

export const fill = (template, a, b) => template.replaceAll('{A}', a).replaceAll('{B}', b);
