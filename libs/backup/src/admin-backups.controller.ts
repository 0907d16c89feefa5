import { Body, Controller, Delete, Get, HttpCode, Logger, Param, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional } from 'class-validator';
import { accountIdOf, type Caller, CurrentCaller, RequireScopes, Roles } from '@memory-system/core';
import { BackupScheduler } from './backup.scheduler.js';
import { BackupService, type Progress, type RestoreMode } from './backup.service.js';

export class RestoreDto {
  @ApiProperty({
    enum: ['replace', 'merge'],
    description: 'replace: empty first; merge: write over what is there',
  })
  @IsIn(['replace', 'merge'])
  mode!: RestoreMode;

  @ApiPropertyOptional({
    default: false,
    description:
      'Restore an archive this service did not sign (another deployment, an older release). ' +
      'Only for archives whose origin you know: anyone who can write into BACKUP_DIR can make one.',
  })
  @IsOptional()
  @IsBoolean({ message: 'trustUnsigned must be true or false' })
  trustUnsigned?: boolean;

  @ApiPropertyOptional({
    default: false,
    description:
      'Accounts that exist now keep their current passwords, disabled flags and API keys (keys ' +
      'revoked since the archive stay revoked, keys made since keep working) and the login ' +
      'sessions the archive brings back end. Without it, accounts come back as the archive has them.',
  })
  @IsOptional()
  @IsBoolean({ message: 'keepCredentials must be true or false' })
  keepCredentials?: boolean;
}

/** A backup or restore this process is running, as far as it has got (GET /admin/backups). */
interface RunningJob {
  job: 'backup' | 'restore';
  phase: string;
  done: number;
  total: number | null;
  startedAt: string;
}

/** Logs a long job's progress at most every few seconds, and hands each step to `seen`. */
function loggedProgress(logger: Logger, what: string, seen: Progress = () => undefined): Progress {
  let last = 0;
  return (event) => {
    seen(event);
    const { phase, done, total } = event;
    if (Date.now() - last < 2000) return;
    last = Date.now();
    logger.log(`${what}: ${phase} ${done}${total ? `/${total}` : ''}`);
  };
}

@ApiTags('admin: backups')
@ApiBearerAuth()
@Roles('admin')
@RequireScopes('admin')
@Controller({ path: 'admin/backups', version: '1' })
export class AdminBackupsController {
  private readonly logger = new Logger('Backups');
  private running: RunningJob | null = null;

  constructor(
    private readonly backups: BackupService,
    private readonly scheduler: BackupScheduler,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Back up now (the same job as the nightly one); 409 while one runs' })
  @ApiCreatedResponse({ description: 'The archive and its manifest' })
  async create() {
    return withoutPath(
      await this.tracked('backup', (progress) => this.backups.backup('api', progress)),
    );
  }

  /** Runs a job with its progress kept for the list to show (a console polls it meanwhile). */
  private async tracked<T>(job: RunningJob['job'], run: (progress: Progress) => Promise<T>) {
    const startedAt = new Date().toISOString();
    this.running = { job, phase: 'starting', done: 0, total: null, startedAt };
    try {
      return await run(
        loggedProgress(this.logger, job, ({ phase, done, total }) => {
          this.running = { job, phase, done, total: total ?? null, startedAt };
        }),
      );
    } finally {
      this.running = null;
    }
  }

  @Get()
  @ApiOkResponse({
    description:
      'Archives in BACKUP_DIR, newest first (items), the schedule, and running: the backup or ' +
      'restore this instance is running through the API ({ job, phase, done, total, startedAt }), ' +
      'or null',
  })
  async list() {
    const items = (await this.backups.list()).map(withoutPath);
    return { items, schedule: this.scheduler.describe(), running: this.running };
  }

  @Get(':name')
  @ApiOperation({ summary: 'One archive, verified: its manifest after every checksum was checked' })
  async get(@Param('name') name: string) {
    return withoutPath(await this.backups.get(name));
  }

  @Post(':name/restore')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Verify, then restore; a corrupt or foreign archive changes nothing',
    description:
      'A corrupt, foreign or newer-format archive: 400, nothing changed. Chroma failing midway ' +
      '(or a call longer than CHROMA_ADMIN_TIMEOUT_MS): 503, and the store may be partly ' +
      'replaced: run the same restore again.',
  })
  restore(@CurrentCaller() caller: Caller, @Param('name') name: string, @Body() body: RestoreDto) {
    return this.tracked('restore', (progress) =>
      this.backups.restore({ name }, body.mode, progress, {
        trustUnsigned: body.trustUnsigned ?? false,
        keepCredentials: body.keepCredentials ?? false,
        restoringUserId: accountIdOf(caller),
      }),
    );
  }

  @Delete(':name')
  @HttpCode(204)
  @ApiNoContentResponse()
  async remove(@Param('name') name: string): Promise<void> {
    await this.backups.delete(name);
  }
}

/** Answers name archives, never where they lie on the server. */
function withoutPath<T extends { file: string }>({ file: _, ...info }: T): Omit<T, 'file'> {
  return info;
}
