import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiSecurity,
  ApiTags,
} from '@nestjs/swagger';
import {
  accountIdOf,
  AuditLog,
  type Caller,
  CurrentCaller,
  PasswordLoginOnly,
  Public,
  Unauthenticated,
} from '@memory-system/core';
import { ApiKeysService } from './api-keys/api-keys.service.js';
import {
  ApiKeyPageView,
  CreateApiKeyDto,
  CreatedApiKeyView,
  LoginDto,
  PageQuery,
  RefreshDto,
  TokenPairView,
  UserView,
} from './dto/auth.dto.js';
import { afterIdOf, idPage } from './dto/id-page.js';
import { LoginLockout } from './guards/login-lockout.js';
import { LoginThrottle } from './throttling.js';
import { TokenService } from './tokens/token.service.js';
import { toPublicUser } from './users/user.js';
import { UsersService } from './users/users.service.js';

@ApiTags('auth')
@Controller({ path: 'auth', version: '1' })
export class AuthController {
  constructor(
    private readonly users: UsersService,
    private readonly tokens: TokenService,
    private readonly apiKeys: ApiKeysService,
    private readonly lockout: LoginLockout,
    private readonly audit: AuditLog,
  ) {}

  @Public()
  @LoginThrottle()
  @Post('login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Exchange a username and password for an access and a refresh token' })
  @ApiOkResponse({ type: TokenPairView })
  async login(@Body() body: LoginDto, @Req() req: FastifyRequest): Promise<TokenPairView> {
    // Counted, and refused when over the limit, before the password is even hashed: a locked
    // name costs the guesser, not the CPU, and parallel guesses cannot slip past the count.
    const admission = await this.lockout.admit(body.username);
    const user = await this.users.findByUsername(body.username);
    const valid = await this.users.verifyPassword(user, body.password);
    if (!valid || !user) {
      const lockedMs = await this.lockout.recordFailure(body.username, admission);
      this.audit.record('login.failed', {
        username: body.username,
        address: req.ip,
        lockedSeconds: lockedMs ? Math.ceil(lockedMs / 1000) : undefined,
      });
      throw new Unauthenticated('The username or password is wrong.');
    }
    if (user.disabled) {
      this.audit.record('login.refused-disabled', { user: user.id, address: req.ip });
      throw new Unauthenticated('The account is disabled.');
    }
    await this.lockout.reset(body.username, admission);
    return this.tokens.issue(user);
  }

  @Public()
  @Post('refresh')
  @HttpCode(200)
  @ApiOperation({ summary: 'Exchange a refresh token (once) for a new pair' })
  @ApiOkResponse({ type: TokenPairView })
  refresh(@Body() body: RefreshDto): Promise<TokenPairView> {
    return this.tokens.rotate(body.refreshToken, (id) => this.users.findById(id));
  }

  @Public()
  @Post('logout')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke a refresh token and every token rotated from the same login' })
  @ApiNoContentResponse()
  async logout(@Body() body: RefreshDto): Promise<void> {
    await this.tokens.revoke(body.refreshToken);
  }

  @Get('me')
  @ApiBearerAuth()
  @ApiSecurity('api-key')
  @ApiOkResponse({ type: UserView })
  async me(@CurrentCaller() caller: Caller): Promise<UserView> {
    return toPublicUser(await this.users.get(accountIdOf(caller)));
  }

  @Post('api-keys')
  @PasswordLoginOnly()
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'Create an API key for a service client; the key is shown once',
    description:
      'Needs a password login (a bearer access token): an API key can never create, list or revoke keys.',
  })
  @ApiCreatedResponse({ type: CreatedApiKeyView })
  createApiKey(
    @CurrentCaller() caller: Caller,
    @Body() body: CreateApiKeyDto,
  ): Promise<CreatedApiKeyView> {
    return this.apiKeys.create(caller, body.name, body.expiresInDays, body.scopes);
  }

  @Get('api-keys')
  @PasswordLoginOnly()
  @ApiBearerAuth()
  @ApiOkResponse({ type: ApiKeyPageView })
  async listApiKeys(
    @CurrentCaller() caller: Caller,
    @Query() query: PageQuery,
  ): Promise<ApiKeyPageView> {
    const after = afterIdOf(query.cursor);
    const keys = await this.apiKeys.list(caller, { limit: query.limit + 1, after });
    return idPage(keys, query.limit);
  }

  @Delete('api-keys/:id')
  @PasswordLoginOnly()
  @HttpCode(204)
  @ApiBearerAuth()
  @ApiNoContentResponse()
  async revokeApiKey(@CurrentCaller() caller: Caller, @Param('id') id: string): Promise<void> {
    await this.apiKeys.revoke(caller, id);
  }
}
