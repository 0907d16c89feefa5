import { Global, Module, type OnModuleInit } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { AppConfig, RestoredAccounts, UserDataErasure, UserDirectory } from '@memory-system/core';
import { StateModule } from '@memory-system/state';
import { AdminBootstrap } from './admin-bootstrap.js';
import { AdminUsersController } from './admin-users.controller.js';
import { ApiKeysService } from './api-keys/api-keys.service.js';
import { AuthController } from './auth.controller.js';
import { AuthenticationGuard } from './guards/authentication.guard.js';
import { AuthFailureLimiter } from './guards/auth-failure-limiter.js';
import { LoginLockout } from './guards/login-lockout.js';
import { ApiKeyStrategy, JwtStrategy } from './guards/strategies.js';
import { JwtSecret } from './tokens/jwt-secret.js';
import { TokenService } from './tokens/token.service.js';
import { PasswordHasher } from './users/password-hasher.js';
import { RestoredAccountsService } from './users/restored-accounts.service.js';
import { UserAdministration } from './users/user-administration.js';
import { UsersService } from './users/users.service.js';

/** Global: other modules find the UserDirectory and RestoredAccounts here without depending on auth. */
@Global()
@Module({
  imports: [
    StateModule,
    PassportModule,
    JwtModule.registerAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        secret: JwtSecret.resolve(config).key,
        signOptions: { algorithm: 'HS256' },
        verifyOptions: { algorithms: ['HS256'] },
      }),
    }),
  ],
  controllers: [AuthController, AdminUsersController],
  providers: [
    { provide: JwtSecret, inject: [AppConfig], useFactory: JwtSecret.resolve },
    PasswordHasher,
    UsersService,
    TokenService,
    ApiKeysService,
    JwtStrategy,
    ApiKeyStrategy,
    AuthenticationGuard,
    AuthFailureLimiter,
    LoginLockout,
    AdminBootstrap,
    UserAdministration,
    { provide: UserDirectory, useExisting: UsersService },
    { provide: RestoredAccounts, useClass: RestoredAccountsService },
  ],
  exports: [AuthenticationGuard, UsersService, UserAdministration, UserDirectory, RestoredAccounts],
})
export class AuthModule implements OnModuleInit {
  constructor(
    private readonly erasure: UserDataErasure,
    private readonly tokens: TokenService,
    private readonly apiKeys: ApiKeysService,
  ) {}

  onModuleInit(): void {
    this.erasure.register(this.apiKeys);
    this.erasure.register(this.tokens);
  }
}
