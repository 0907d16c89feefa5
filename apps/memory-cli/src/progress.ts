import type { Progress } from '@memory-system/backup';

/** One status line on stderr, rewritten in place on a terminal, a line per step otherwise. */
export function terminalProgress(
  stream: NodeJS.WriteStream = process.stderr,
): Progress & { end(): void } {
  let lastPrinted = 0;
  let lastLine = '';
  const print = (line: string) => {
    if (stream.isTTY) stream.write(`\r\x1b[2K${line}`);
    else stream.write(`${line}\n`);
    lastLine = line;
  };
  const progress = (({ phase, done, total }) => {
    const now = Date.now();
    const finished = total !== undefined && done >= total;
    if (!finished && now - lastPrinted < 250) return;
    lastPrinted = now;
    const percent = total ? ` (${Math.floor((done / Math.max(total, 1)) * 100)}%)` : '';
    print(`${phase}: ${done}${total !== undefined ? `/${total}` : ''}${percent}`);
  }) as Progress & { end(): void };
  progress.end = () => {
    if (stream.isTTY && lastLine) stream.write('\n');
  };
  return progress;
}
