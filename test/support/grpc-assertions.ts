import { type ServiceError, status } from '@grpc/grpc-js';
import { expect } from 'chai';

/** The platform's answer to bad input: INVALID_ARGUMENT, a message naming the field first, and both trailers. */
export function expectInvalidArgument(error: ServiceError, field: string): void {
  expect(error.code, error.message).to.equal(status.INVALID_ARGUMENT);
  expect(error.details.startsWith(`${field}:`), `details "${error.details}" start with "${field}:"`).to.equal(true);
  expect(error.metadata.get('error-field')).to.deep.equal([field]);
  expect(error.metadata.get('error-code')).to.deep.equal(['INVALID_ARGUMENT']);
}
