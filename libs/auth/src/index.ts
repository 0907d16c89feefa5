export { AuthModule } from './auth.module.js';
export { AuthenticationGuard } from './guards/authentication.guard.js';
export { CallerThrottlerGuard, LoginThrottle, throttlerOptions } from './throttling.js';
export { UsersService } from './users/users.service.js';
export type { PublicUser, User } from './users/user.js';
export { UserAdministration } from './users/user-administration.js';
export { CreateUserDto } from './dto/auth.dto.js';
