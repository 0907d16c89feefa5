import { SingleBar } from 'cli-progress';
import type { Progress } from '@memory-system/backup';

export type CliProgress = Progress & { end(): void };

/**
 * Progress on stderr: a bar per phase on a terminal (cli-progress redraws it in place and keeps it
 * to the terminal's width), plain lines otherwise (a log, CI), never the same line twice.
 */
export function terminalProgress(stream: NodeJS.WriteStream = process.stderr): CliProgress {
  return stream.isTTY ? barProgress(stream) : lineProgress(stream);
}

function barProgress(stream: NodeJS.WriteStream): CliProgress {
  let bar: SingleBar | undefined;
  let phase = '';
  const progress = (({ phase: next, done, total }) => {
    if (next !== phase || !bar) {
      bar?.stop();
      phase = next;
      bar = new SingleBar({
        stream,
        format:
          total === undefined
            ? `${next}: {value}`
            : `${next} [{bar}] {percentage}% | {value}/{total} | {eta_formatted} left`,
        hideCursor: true,
      });
      bar.start(total ?? 0, done);
    }
    if (total !== undefined) bar.setTotal(total);
    bar.update(done);
  }) as CliProgress;
  progress.end = () => bar?.stop();
  return progress;
}

/** A line when a phase starts, at every tenth of it, and when it ends; at most one a second. */
function lineProgress(stream: NodeJS.WriteStream): CliProgress {
  let last = { phase: '', line: '', tenth: -1, at: 0 };
  const progress = (({ phase, done, total }) => {
    const finished = total !== undefined && done >= total;
    const tenth = total ? Math.floor((done / Math.max(total, 1)) * 10) : -1;
    const now = Date.now();
    const newPhase = phase !== last.phase;
    if (!newPhase && !finished && (tenth === last.tenth || now - last.at < 1000)) return;
    const percent = total ? ` (${Math.floor((done / Math.max(total, 1)) * 100)}%)` : '';
    const line = `${phase}: ${done}${total !== undefined ? `/${total}` : ''}${percent}`;
    if (line !== last.line && !(newPhase && done === 0 && total === undefined)) {
      stream.write(`${line}\n`);
    }
    last = { phase, line, tenth, at: now };
  }) as CliProgress;
  progress.end = () => undefined;
  return progress;
}
