import type { Schemas } from '../api';
import { BackupsPanel } from './admin-backups';
import { FiguresPanel, HealthPanel, ReembedPanel } from './admin-status';
import { UsersPanel } from './admin-users';

export function AdminView({ user }: { user: Schemas['UserView'] }) {
  return (
    <div>
      <HealthPanel />
      <FiguresPanel />
      <BackupsPanel />
      <UsersPanel me={user} />
      <ReembedPanel />
    </div>
  );
}
