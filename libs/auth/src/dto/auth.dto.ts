import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { DEFAULT_KEY_SCOPES, QueryLimit, type Role, type Scope, SCOPES } from '@memory-system/core';

export const PASSWORD_MIN = 8;
const USERNAME = /^[A-Za-z0-9_.@-]{3,64}$/;
const USERNAME_MESSAGE = 'username must be 3-64 letters, digits or _ . @ -';

export class LoginDto {
  @ApiProperty({ example: 'admin' })
  @IsString()
  @MaxLength(64)
  username!: string;

  @ApiProperty({ example: 'correct horse battery staple' })
  @IsString()
  @MaxLength(1024)
  password!: string;
}

export class RefreshDto {
  @ApiProperty({ description: 'The refresh token from login or the last refresh.' })
  @IsString()
  @MaxLength(256)
  refreshToken!: string;
}

export class TokenPairView {
  @ApiProperty({ enum: ['Bearer'] }) tokenType!: 'Bearer';
  @ApiProperty() accessToken!: string;
  @ApiProperty({ description: 'Seconds until the access token expires' }) expiresIn!: number;
  @ApiProperty({ description: 'Works once; each refresh returns a new one' }) refreshToken!: string;
  @ApiProperty() refreshExpiresIn!: number;
}

export class CreateApiKeyDto {
  @ApiProperty({ example: 'open-webui', description: 'What the key is for.' })
  @IsString()
  @Matches(/^[\w .:-]{1,64}$/, { message: 'name must be 1-64 letters, digits, spaces or _ . : -' })
  name!: string;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: 3650,
    description: 'Omit for a key that does not expire.',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(3650)
  expiresInDays?: number;

  @ApiPropertyOptional({
    enum: SCOPES,
    isArray: true,
    default: DEFAULT_KEY_SCOPES,
    description:
      'What the key may do. admin only when an admin creates it; a missing scope is a 403 that names it.',
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(SCOPES, { each: true, message: `each scope must be one of: ${SCOPES.join(', ')}` })
  scopes?: Scope[];
}

export class ApiKeyViewDto {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: SCOPES, isArray: true }) scopes!: Scope[];
  @ApiProperty() prefix!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) expiresAt!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) lastUsedAt!: string | null;
}

export class ApiKeyPageView {
  @ApiProperty({ type: [ApiKeyViewDto] }) items!: ApiKeyViewDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

export class CreatedApiKeyView extends ApiKeyViewDto {
  @ApiProperty({ description: 'Shown this once: store it now.' }) key!: string;
}

export class CreateUserDto {
  @ApiProperty({ example: 'alice' })
  @IsString()
  @Matches(USERNAME, { message: USERNAME_MESSAGE })
  username!: string;

  @ApiProperty({ minLength: PASSWORD_MIN })
  @IsString()
  @MinLength(PASSWORD_MIN)
  @MaxLength(1024)
  password!: string;

  @ApiPropertyOptional({ enum: ['admin', 'user'], default: 'user' })
  @IsOptional()
  @IsIn(['admin', 'user'])
  role: Role = 'user';
}

export class UpdateUserDto {
  @ApiPropertyOptional({
    description: 'A disabled user cannot log in; their tokens and keys stop working.',
  })
  @IsOptional()
  @IsIn([true, false])
  disabled?: boolean;

  @ApiPropertyOptional({ enum: ['admin', 'user'] })
  @IsOptional()
  @IsIn(['admin', 'user'])
  role?: Role;

  @ApiPropertyOptional({
    minLength: PASSWORD_MIN,
    description:
      "A new password ends the user's login sessions; their API keys keep working unless " +
      'revokeApiKeys is true. Needs a password login.',
  })
  @IsOptional()
  @IsString()
  @MinLength(PASSWORD_MIN)
  @MaxLength(1024)
  password?: string;

  @ApiPropertyOptional({
    default: false,
    description: 'With a new password: revoke every API key of the user in the same call.',
  })
  @IsOptional()
  @IsIn([true, false], { message: 'revokeApiKeys must be true or false' })
  revokeApiKeys?: boolean;
}

export class UserView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() username!: string;
  @ApiProperty({ enum: ['admin', 'user'] }) role!: Role;
  @ApiProperty() disabled!: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

/** A changed account; after a new password, how many of its API keys still work. */
export class UpdatedUserView extends UserView {
  @ApiPropertyOptional({
    description:
      'Set when the password changed: API keys of the user that still work (0 after revokeApiKeys)',
  })
  apiKeysStillWorking?: number;
}

export class UserPageView {
  @ApiProperty({ type: [UserView] }) items!: UserView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

/** `?limit=&cursor=` of the lists that page by id (users, API keys). */
export class PageQuery {
  @QueryLimit(100, 50)
  limit: number = 50;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(256)
  cursor?: string;
}
