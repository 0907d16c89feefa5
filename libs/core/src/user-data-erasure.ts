import { Injectable } from '@nestjs/common';

/** Something that keeps data per user and must forget it when the user is deleted. */
export interface UserDataEraser {
  readonly name: string;
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
    for (const eraser of this.erasers) await eraser.eraseUserData(userId);
  }
}
