import { useEffect, useState } from 'preact/hooks';
import { call, client } from '../api';
import { FormMessage, useFormState } from '../form';
import { TableHead } from '../table-head';

interface Backup {
  name: string;
  bytes: number;
  createdAt: string;
}
interface Verified extends Backup {
  signature: string;
  manifest: { memories?: number; users?: number; [key: string]: unknown };
}
/** How far the backup or restore this instance runs has got (GET /admin/backups: running). */
interface Running {
  job: string;
  phase: string;
  done: number;
  total: number | null;
}
type Mode = 'replace' | 'merge';
const MODES: Record<Mode, string> = {
  replace: 'replace: everything there is now is emptied first',
  merge: 'merge: the archive is written over what is there',
};

const size = (bytes: number) =>
  bytes < 1024 * 1024
    ? `${(bytes / 1024).toFixed(1)} KB`
    : `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** Archives in BACKUP_DIR: back up now, verify one, restore one after a confirmation naming the mode. */
export function BackupsPanel() {
  const form = useFormState();
  const [items, setItems] = useState<Backup[]>([]);
  const [running, setRunning] = useState(false);
  const [progress, setProgress] = useState<Running | null>(null);
  const [verified, setVerified] = useState<Record<string, string>>({});
  const [restoring, setRestoring] = useState<{ name: string; mode: Mode } | null>(null);
  const [done, setDone] = useState('');

  const load = () =>
    form.run(async () => {
      const list = await call<unknown>(client.GET('/api/v1/admin/backups'));
      setItems((list as { items: Backup[] }).items);
    });
  useEffect(() => void load(), []);
  // While a job runs, its progress as the service reports it, twice a second.
  useEffect(() => {
    if (!running) return setProgress(null);
    const timer = setInterval(async () => {
      const { data } = await client.GET('/api/v1/admin/backups');
      setProgress((data as { running?: Running | null } | undefined)?.running ?? null);
    }, 500);
    return () => clearInterval(timer);
  }, [running]);

  const backUp = async () => {
    setRunning(true);
    setDone('');
    await form.run(async () => {
      const created = (await call<unknown>(client.POST('/api/v1/admin/backups'))) as Backup;
      setDone(`Backed up: ${created.name}`);
    });
    setRunning(false);
    await load();
  };
  const verify = (name: string) =>
    form.run(async () => {
      setVerified((shown) => ({ ...shown, [name]: 'verifying…' }));
      try {
        const archive = (await call<unknown>(
          client.GET('/api/v1/admin/backups/{name}', { params: { path: { name } } }),
        )) as Verified;
        setVerified((shown) => ({ ...shown, [name]: `verified (signature ${archive.signature})` }));
      } catch (error) {
        setVerified((shown) => ({ ...shown, [name]: 'failed verification' }));
        throw error;
      }
    });
  const restore = async (name: string, mode: Mode) => {
    setRunning(true);
    await form.run(async () => {
      await call<unknown>(
        client.POST('/api/v1/admin/backups/{name}/restore', {
          params: { path: { name } },
          body: { mode },
        }),
      );
      setRestoring(null);
      setDone(`Restored ${name} (${mode}).`);
    });
    setRunning(false);
  };

  return (
    <section class="card" aria-label="Backups">
      <h2>Backups</h2>
      <div class="actions">
        <button type="button" onClick={backUp} disabled={running}>
          Back up now
        </button>
        {running && (
          <span class="job">
            <progress
              aria-label={progress ? `${progress.job}: ${progress.phase}` : 'Working'}
              {...(progress?.total ? { value: progress.done, max: progress.total } : {})}
            />{' '}
            {progress &&
              `${progress.job}: ${progress.phase} ${progress.done}${progress.total ? `/${progress.total}` : ''}`}
          </span>
        )}
        <span role="status">{done}</span>
      </div>
      <FormMessage form={form} />
      {restoring && (
        <div class="card notice" role="alertdialog" aria-label="Confirm restore">
          <p>
            Restore <strong>{restoring.name}</strong> in <strong>{restoring.mode}</strong> mode (
            {MODES[restoring.mode]})?
          </p>
          <div class="actions">
            <button
              type="button"
              class="danger"
              onClick={() => restore(restoring.name, restoring.mode)}
              disabled={form.busy}
            >
              Restore in {restoring.mode} mode
            </button>
            <button type="button" class="secondary" onClick={() => setRestoring(null)}>
              Cancel
            </button>
          </div>
        </div>
      )}
      <table class="table" aria-label="Backup archives">
        <TableHead columns={['Archive', 'Size', 'Made', 'Check', 'Restore']} />
        <tbody>
          {items.map((backup) => (
            <tr key={backup.name}>
              <td>
                <code>{backup.name}</code>
              </td>
              <td>{size(backup.bytes)}</td>
              <td>{new Date(backup.createdAt).toLocaleString()}</td>
              <td>
                <button
                  type="button"
                  class="secondary"
                  onClick={() => verify(backup.name)}
                  aria-label={`Verify ${backup.name}`}
                >
                  Verify
                </button>{' '}
                <span>{verified[backup.name]}</span>
              </td>
              <td>
                {(Object.keys(MODES) as Mode[]).map((mode) => (
                  <button
                    type="button"
                    class="secondary"
                    onClick={() => setRestoring({ name: backup.name, mode })}
                    aria-label={`Restore ${backup.name} (${mode})`}
                  >
                    {mode}
                  </button>
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
