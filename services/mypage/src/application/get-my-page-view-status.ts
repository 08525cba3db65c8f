import type { MyPageView, ViewStatus } from '../domain/my-page-view.js';

/** How much of the event history the view holds (watched while it is rebuilt). */
export class GetMyPageViewStatus {
  constructor(private readonly deps: { view: MyPageView }) {}

  execute(): Promise<ViewStatus> {
    return this.deps.view.status();
  }
}
