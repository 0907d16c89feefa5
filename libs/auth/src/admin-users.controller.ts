import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import {
  accountIdOf,
  assertPasswordLogin,
  type Caller,
  Conflict,
  CurrentCaller,
  PasswordLoginOnly,
  RequireScopes,
  Roles,
} from '@memory-system/core';
import {
  CreateUserDto,
  PageQuery,
  UpdatedUserView,
  UpdateUserDto,
  UserPageView,
  UserView,
} from './dto/auth.dto.js';
import { afterIdOf, idPage } from './dto/id-page.js';
import { toPublicUser } from './users/user.js';
import { UserAdministration } from './users/user-administration.js';
import { UsersService } from './users/users.service.js';

@ApiTags('admin: users')
@ApiBearerAuth()
@Roles('admin')
@RequireScopes('admin')
@Controller({ path: 'admin/users', version: '1' })
export class AdminUsersController {
  constructor(
    private readonly users: UsersService,
    private readonly administration: UserAdministration,
  ) {}

  @Post()
  @PasswordLoginOnly()
  @ApiOperation({ summary: 'Create a user; needs a password login (403 with an API key)' })
  @ApiCreatedResponse({ type: UserView })
  async create(@Body() body: CreateUserDto): Promise<UserView> {
    return this.administration.create(body.username, body.password, body.role);
  }

  @Get()
  @ApiOkResponse({ type: UserPageView })
  async list(@Query() query: PageQuery): Promise<UserPageView> {
    const users = await this.users.list({ limit: query.limit + 1, after: afterIdOf(query.cursor) });
    const page = idPage(users, query.limit);
    return { items: page.items.map(toPublicUser), nextCursor: page.nextCursor };
  }

  @Get(':id')
  @ApiOkResponse({ type: UserView })
  async get(@Param('id') id: string): Promise<UserView> {
    return toPublicUser(await this.users.get(id));
  }

  @Patch(':id')
  @ApiOperation({
    summary: 'Disable, enable, change the role or set the password (that needs a password login)',
  })
  @ApiOkResponse({ type: UpdatedUserView })
  async update(
    @CurrentCaller() caller: Caller,
    @Param('id') id: string,
    @Body() body: UpdateUserDto,
  ): Promise<UpdatedUserView> {
    if (body.password !== undefined) assertPasswordLogin(caller, 'Setting a password');
    return this.administration.update(id, body, { userId: accountIdOf(caller) });
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({
    description: 'The user and all their memories, sessions and keys are gone',
  })
  async remove(@CurrentCaller() caller: Caller, @Param('id') id: string): Promise<void> {
    if (id === accountIdOf(caller)) throw new Conflict('An admin cannot delete their own account.');
    await this.administration.delete(id, { userId: accountIdOf(caller) });
  }
}
