import jwt from 'jsonwebtoken';
import { DomainError } from '@app/contracts';
import { SERVICE_AUTH_HEADER, serviceAuthHeaders, verifyServiceCall } from './service-auth';

const secret = 'k'.repeat(40);
const actor = { id: 'user/ü 1', name: 'Ann%E0%A4%A', roles: ['moderator' as const] };
const header = (...args: Parameters<typeof serviceAuthHeaders>) => serviceAuthHeaders(...args)[SERVICE_AUTH_HEADER];

function refusal(run: () => unknown): DomainError {
  try {
    run();
  } catch (error) {
    return error as DomainError;
  }
  throw new Error('not refused');
}

describe('signed service calls', () => {
  it('carries the actor, any characters in its name included, for the method and path it was signed for', () => {
    expect(verifyServiceCall(secret, header(secret, 'post', '/users/a%2Fb/sanctions?x=1', actor), 'POST', '/users/a%2Fb/sanctions?x=1')).toEqual(actor);
    expect(verifyServiceCall(secret, header(secret, 'GET', '/articles'), 'GET', '/articles')).toBeUndefined();
  });

  it.each([
    ['no header', undefined],
    ['an empty header', ''],
    ['garbage', 'not-a-token'],
    ['another key', header('x'.repeat(40), 'GET', '/queue', actor)],
    ['an expired signature', jwt.sign({ mth: 'GET', pth: '/queue', act: actor, exp: Math.floor(Date.now() / 1000) - 60 }, secret, { algorithm: 'HS256', issuer: 'comments-gateway' })],
    ['no expiry', jwt.sign({ mth: 'GET', pth: '/queue', act: actor }, secret, { algorithm: 'HS256', issuer: 'comments-gateway' })],
    ['another issuer', jwt.sign({ mth: 'GET', pth: '/queue', act: actor }, secret, { algorithm: 'HS256', expiresIn: 30, issuer: 'someone' })],
    ['another algorithm', jwt.sign({ mth: 'GET', pth: '/queue', act: actor }, secret, { algorithm: 'HS512', expiresIn: 30, issuer: 'comments-gateway' })],
    ['another path', header(secret, 'GET', '/comments/1/history', actor)],
    ['another method', header(secret, 'POST', '/queue', actor)],
    ['another query', header(secret, 'GET', '/queue?limit=1', actor)],
  ])('refuses %s with a 401 error', (_, value) => {
    const error = refusal(() => verifyServiceCall(secret, value, 'GET', '/queue'));
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ kind: 'unauthenticated', code: 'unsigned_call' });
  });

  it('drops roles it does not know', () => {
    const forged = jwt.sign({ mth: 'GET', pth: '/', act: { id: 'u', name: 'U', roles: ['reader', 'root'] } }, secret, { algorithm: 'HS256', expiresIn: 30, issuer: 'comments-gateway' });
    expect(verifyServiceCall(secret, forged, 'GET', '/')?.roles).toEqual(['reader']);
  });
});
