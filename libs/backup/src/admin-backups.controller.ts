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
import { type Caller, CurrentCaller, RequireScopes, Roles } from '@memory-system/core';
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

/** Logs a long job's progress at most every few seconds. */
function loggedProgress(logger: Logger, what: string): Progress {
  let last = 0;
  return ({ phase, done, total }) => {
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

  constructor(
    private readonly backups: BackupService,
    private readonly scheduler: BackupScheduler,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Back up now (the same job as the nightly one); 409 while one runs' })
  @ApiCreatedResponse({ description: 'The archive and its manifest' })
  async create() {
    return withoutPath(await this.backups.backup('api', loggedProgress(this.logger, 'backup')));
  }

  @Get()
  @ApiOkResponse({ description: 'Archives in BACKUP_DIR, newest first' })
  async list() {
    const items = (await this.backups.list()).map(withoutPath);
    return { items, schedule: this.scheduler.describe() };
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
    return this.backups.restore({ name }, body.mode, loggedProgress(this.logger, 'restore'), {
      trustUnsigned: body.trustUnsigned ?? false,
      keepCredentials: body.keepCredentials ?? false,
      restoringUserId: caller.userId,
    });
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
