import { expect } from 'chai';
import { Caller, CallerRole, NotYourCustomerError } from '#platform/auth/caller';

const player = (id: string) => new Caller(id, 'my-page-web', new Set([CallerRole.CALLER_ROLE_PLAYER]));
const as = (role: CallerRole) => new Caller('someone', 'client', new Set([role]));

/** The ownership rule the use cases apply to the customer id a request names. */
describe('Caller.requireActsFor (application-layer ownership)', () => {
  const cases: { name: string; caller: Caller; customer: string; allowed: boolean }[] = [
    { name: 'a player, for themselves', caller: player('alice'), customer: 'alice', allowed: true },
    { name: 'a player, for another customer', caller: player('alice'), customer: 'bob', allowed: false },
    { name: 'a player without a subject, for an empty id', caller: player(''), customer: '', allowed: false },
    { name: 'an operator, for anyone', caller: as(CallerRole.CALLER_ROLE_OPERATOR), customer: 'bob', allowed: true },
    { name: 'the game server, for anyone', caller: as(CallerRole.CALLER_ROLE_GAME_SERVER), customer: 'bob', allowed: true },
    { name: 'a service, for anyone', caller: as(CallerRole.CALLER_ROLE_SERVICE), customer: 'bob', allowed: true },
    { name: 'no role the RPC allows, for anyone', caller: new Caller('alice', 'c', new Set()), customer: 'alice', allowed: false },
  ];
  for (const { name, caller, customer, allowed } of cases) {
    it(`${name}: ${allowed ? 'allowed' : 'PERMISSION_DENIED naming the field'}`, () => {
      const check = () => caller.requireActsFor('customer_id', customer);
      if (allowed) expect(check).to.not.throw();
      else
        expect(check).to.throw(NotYourCustomerError).with.property('message', 'customer_id: a player may only name their own customer id');
    });
  }

  it('is a permission-denied domain error with a stable code', () => {
    const error = new NotYourCustomerError('customer_id');
    expect([error.kind, error.code]).to.deep.equal(['permission-denied', 'NOT_YOUR_CUSTOMER']);
  });
});
