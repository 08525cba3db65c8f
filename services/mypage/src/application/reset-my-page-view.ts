import type { MyPageView, ViewStatus } from '../domain/my-page-view.js';

/**
 * Empties the view and its inbox so that a replay of the events rebuilds it from scratch.
 * The consumer keeps running: an event applied between the reset and the replay is in the
 * replay too, and the inbox makes the second copy a no-op.
 */
export class ResetMyPageView {
  constructor(private readonly deps: { view: MyPageView }) {}

  async execute(): Promise<ViewStatus> {
    await this.deps.view.reset();
    return this.deps.view.status();
  }
}
