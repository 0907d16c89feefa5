export { BackupCoreModule, BackupModule } from './backup.module.js';
export {
  type BackupRef,
  BackupService,
  type Progress,
  type RestoreMode,
} from './backup.service.js';
export { type Manifest } from './backup-archive.js';
