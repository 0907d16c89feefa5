import { SetMetadata } from '@nestjs/common';
import type { Role } from './caller.js';

export const IS_PUBLIC = 'auth:public';
export const REQUIRED_ROLES = 'auth:roles';

/** The route needs no credentials (login, refresh, health). */
export const Public = () => SetMetadata(IS_PUBLIC, true);

/** The route needs one of these roles. */
export const Roles = (...roles: Role[]) => SetMetadata(REQUIRED_ROLES, roles);
