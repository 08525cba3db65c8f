import {
  type MyPage as MyPageMessage,
  type MyPageServiceServer,
  MyPageServiceService,
} from '#contracts/generated/game/mypage/v1/mypage_service';
import { callerOf } from '#platform/auth/auth-interceptor';
import type { GrpcServiceBinding } from '#platform/grpc/grpc-server';
import { acceptingPreEncoded, preEncoded } from '#platform/grpc/pre-encoded-response';
import { serviceNameOf } from '#platform/grpc/service-name';
import { unary } from '#platform/grpc/unary-handler';
import type { Logger } from '#platform/logging/logger';
import type { GetMyPage, MyPageAnswer } from '../../application/get-my-page.js';
import { toMyPageMessage } from './my-page-message.js';

/**
 * The gRPC inbound adapter of My Page: maps proto messages to the use case and back. A stored
 * page is already its encoded answer and is sent as those bytes (see pre-encoded-response.ts).
 */
export function myPageGrpcService(useCases: { getMyPage: GetMyPage }, logger: Logger): GrpcServiceBinding {
  const implementation: MyPageServiceServer = {
    getMyPage: unary(logger, async (request, call) => toMessage(await useCases.getMyPage.execute(request, callerOf(call)))),
  };
  return { name: serviceNameOf(MyPageServiceService), definition: acceptingPreEncoded(MyPageServiceService), implementation };
}

function toMessage(answer: MyPageAnswer): MyPageMessage {
  switch (answer.kind) {
    case 'stored':
      return preEncoded(answer.encoded);
    case 'page':
      return toMyPageMessage(answer.page);
    case 'unchanged': {
      const { header } = answer;
      return {
        customerId: header.customerId,
        version: header.version,
        updatedAt: header.updatedAt,
        unchanged: true,
        counts: undefined,
        missions: [],
        rewards: [],
        orders: [],
      };
    }
  }
}
