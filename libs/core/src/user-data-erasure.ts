import { Injectable } from '@nestjs/common';

/** Something that keeps data per user and must forget it when the user is deleted. */
export interface UserDataEraser {
  readonly name: string;
  /**
   * Called on every eraser before any erases, once the account is marked deleted: returns when
   * the user's writes already under way have ended (or been stopped), so the erasure catches
   * what they stored and every later write sees the mark and is refused.
   */
  settleWrites?(userId: string): Promise<void>;
  eraseUserData(userId: string): Promise<void>;
}

/**
 * Lets the modules that own user data (memories, sessions, keys) register how to erase it, so
 * deleting a user reaches all of it without the user module depending on each of them.
 */
@Injectable()
export class UserDataErasure {
  private readonly erasers: UserDataEraser[] = [];

  register(eraser: UserDataEraser): void {
    this.erasers.push(eraser);
  }

  async eraseAll(userId: string): Promise<void> {
    for (const eraser of this.erasers) await eraser.settleWrites?.(userId);
    for (const eraser of this.erasers) await eraser.eraseUserData(userId);
  }
}
