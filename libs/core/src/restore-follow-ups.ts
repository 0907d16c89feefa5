import { Injectable } from '@nestjs/common';

/** Work a restore must finish before it answers, owned by another module than backups. */
export interface RestoreFollowUp {
  readonly name: string;
  /** Called once a restore has written every record and state entry. */
  afterRestore(): Promise<void>;
}

/**
 * Lets the modules that own a layout (memories: where subjects live) bring what a restore wrote
 * into it, without the backup module depending on them.
 */
@Injectable()
export class RestoreFollowUps {
  private readonly followUps: RestoreFollowUp[] = [];

  register(followUp: RestoreFollowUp): void {
    this.followUps.push(followUp);
  }

  async runAll(): Promise<void> {
    for (const followUp of this.followUps) await followUp.afterRestore();
  }
}
