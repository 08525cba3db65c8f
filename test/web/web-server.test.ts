import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { ConfigError } from '#platform/config/env-reader';
import { createLogger } from '#platform/logging/logger';
import { buildWeb } from '../../services/web/build.js';
import { readWebConfig } from '../../services/web/server/web-config.js';
import { createWebServer, HEALTH_PATH, type WebServer } from '../../services/web/server/web-server.js';
import { WEB_DIST_DIR } from '../../services/web/web-dist.js';

const run = promisify(execFile);
const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * The web front end's own server (services/web/server), what the Deployment `web` runs behind
 * Envoy: the built page with its cache policy, read-only, its health endpoint, and its shutdown.
 */
describe('web front end server (services/web/server): the built page behind Envoy', function () {
  this.timeout(60_000);
  let distDir: string;
  let bundle: string;
  let web: WebServer;
  let base: string;
  const logger = createLogger({ level: 'silent' });

  before(async () => {
    distDir = await buildWeb({ outDir: await mkdtemp(join(tmpdir(), 'web-server-')) });
    const assets = await readdir(join(distDir, 'assets'));
    bundle = `/assets/${assets.find((file) => file.endsWith('.js'))}`;
    web = createWebServer({ distDir, logger, signIn: readWebConfig({ AUTH_ISSUER: 'http://localhost:8090' }).signIn });
    base = `http://127.0.0.1:${await web.listen('127.0.0.1', 0)}`;
  });

  after(async () => {
    await web?.stop().catch(() => {});
    if (distDir) await rm(distDir, { recursive: true, force: true });
  });

  it('the build names its bundle after its content and the page loads exactly that name', async () => {
    expect(bundle).to.match(/^\/assets\/app-[A-Z0-9]{8}\.js$/);
    const html = await (await fetch(`${base}/`)).text();
    expect(html).to.include(`<script type="module" src="${bundle}"></script>`).and.include('href="/styles.css"');
    expect(html).to.not.include('"/assets/app.js"');
  });

  it('serves the page at / and /index.html, revalidated on every load; the content-hashed bundle is cached for good', async () => {
    for (const path of ['/', '/index.html']) {
      const page = await fetch(`${base}${path}`);
      expect([page.status, page.headers.get('content-type'), page.headers.get('cache-control')], path).to.deep.equal([
        200,
        'text/html; charset=utf-8',
        'no-cache',
      ]);
      expect(page.headers.get('etag'), `${path} etag`).to.match(/^"[0-9a-f]+-[0-9a-f]+"$/);
      expect(page.headers.get('x-content-type-options')).to.equal('nosniff');
      await page.arrayBuffer();
    }
    const styles = await fetch(`${base}/styles.css`);
    expect([styles.status, styles.headers.get('content-type'), styles.headers.get('cache-control')]).to.deep.equal([
      200,
      'text/css; charset=utf-8',
      'no-cache',
    ]);
    await styles.arrayBuffer();
    const script = await fetch(`${base}${bundle}`);
    expect([script.status, script.headers.get('content-type'), script.headers.get('cache-control')]).to.deep.equal([
      200,
      'text/javascript; charset=utf-8',
      IMMUTABLE,
    ]);
    expect((await script.text()).length).to.equal(Number(script.headers.get('content-length')));
    const map = await fetch(`${base}${bundle}.map`);
    expect([map.status, map.headers.get('cache-control')]).to.deep.equal([200, IMMUTABLE]);
    await map.arrayBuffer();
  });

  it('answers 304 without a body to a matching If-None-Match (weak or strong) or a current If-Modified-Since, and 200 to a stale one', async () => {
    const first = await fetch(`${base}/`);
    await first.arrayBuffer();
    const etag = first.headers.get('etag') as string;
    for (const ifNoneMatch of [etag, `W/${etag}`, `"other", ${etag}`, '*']) {
      const again = await fetch(`${base}/`, { headers: { 'if-none-match': ifNoneMatch } });
      expect([again.status, await again.text(), again.headers.get('etag'), again.headers.get('cache-control')], ifNoneMatch).to.deep.equal([
        304,
        '',
        etag,
        'no-cache',
      ]);
    }
    const stale = await fetch(`${base}/`, { headers: { 'if-none-match': '"stale"' } });
    expect(stale.status).to.equal(200);
    await stale.arrayBuffer();
    const lastModified = first.headers.get('last-modified') as string;
    const unchanged = await fetch(`${base}/styles.css`, { headers: { 'if-modified-since': lastModified } });
    expect(unchanged.status).to.equal(304);
    await unchanged.arrayBuffer();
    const older = await fetch(`${base}/styles.css`, { headers: { 'if-modified-since': new Date(0).toUTCString() } });
    expect(older.status).to.equal(200);
    await older.arrayBuffer();
  });

  it('HEAD gives the headers of GET without a body', async () => {
    const get = await fetch(`${base}${bundle}`);
    await get.arrayBuffer();
    const head = await fetch(`${base}${bundle}`, { method: 'HEAD' });
    expect(head.status).to.equal(200);
    for (const header of ['content-type', 'content-length', 'cache-control', 'etag'])
      expect(head.headers.get(header), header).to.equal(get.headers.get(header));
    expect(await head.text()).to.equal('');
  });

  it('is read-only: any other method is 405 with Allow, and nothing outside the built files is found', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
      const refused = await fetch(`${base}/index.html`, { method, body: method === 'DELETE' ? undefined : 'x' });
      expect([refused.status, refused.headers.get('allow')], method).to.deep.equal([405, 'GET, HEAD']);
      await refused.arrayBuffer();
    }
    for (const path of [
      '/missing.css',
      '/assets/',
      '/assets/app-OLDHASH0.js',
      '/%2e%2e/%2e%2e/etc/passwd',
      '/..%2f..%2fetc%2fpasswd',
      '/%00',
      '/%E0%A4%A',
    ]) {
      const missing = await fetch(`${base}${path}`);
      expect([missing.status, missing.headers.get('cache-control')], path).to.deep.equal([404, 'no-store']);
      await missing.arrayBuffer();
    }
  });

  it("serves the page's sign-in settings from AUTH_* at /auth/config.json, never cached, with no development tools", async () => {
    const answer = await fetch(`${base}/auth/config.json`);
    expect([answer.status, answer.headers.get('content-type'), answer.headers.get('cache-control')]).to.deep.equal([
      200,
      'application/json',
      'no-store',
    ]);
    expect(await answer.json()).to.deep.equal({
      issuer: 'http://localhost:8090',
      clientId: 'my-page-web',
      audience: 'game-event-rewards',
      scope: 'openid player',
      devTools: false,
    });
    expect(readWebConfig({}).signIn, 'no issuer, no settings').to.equal(undefined);
  });

  it(`${HEALTH_PATH} answers 200 while serving, never cached`, async () => {
    const health = await fetch(`${base}${HEALTH_PATH}`);
    expect([health.status, await health.text(), health.headers.get('cache-control')]).to.deep.equal([200, 'ok', 'no-store']);
  });

  describe('stopping (SIGTERM, after the pod left the endpoints)', () => {
    let stopping: WebServer;
    let port: number;
    const sockets: Socket[] = [];

    beforeEach(async () => {
      stopping = createWebServer({ distDir, logger, drainMs: 300 });
      port = await stopping.listen('127.0.0.1', 0);
    });

    afterEach(async () => {
      for (const socket of sockets.splice(0)) socket.destroy();
      await stopping.stop().catch(() => {});
    });

    const open = async () => {
      const socket = connect(port, '127.0.0.1');
      sockets.push(socket);
      socket.on('error', () => {});
      await new Promise((resolve) => socket.once('connect', resolve));
      return socket;
    };
    const responseOf = (socket: Socket) =>
      new Promise<string>((resolve) => {
        let text = '';
        socket.on('data', (chunk) => (text += chunk.toString()));
        socket.once('close', () => resolve(text));
      });

    it(`a request in flight when it stops is answered (${HEALTH_PATH}: 503) with Connection: close, and the stop completes once it is`, async () => {
      const socket = await open();
      const answer = responseOf(socket);
      // Headers not finished: the request is in flight, so the connection is not idle.
      socket.write(`GET ${HEALTH_PATH} HTTP/1.1\r\nHost: web\r\n`);
      await new Promise((resolve) => setTimeout(resolve, 50));
      let stopped = false;
      const stop = stopping.stop().then(() => (stopped = true));
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(stopped, 'waits for the request in flight').to.equal(false);
      socket.write('\r\n');
      const text = await answer;
      expect(text)
        .to.match(/^HTTP\/1\.1 503 /)
        .and.match(/\r\nconnection: close\r\n/i)
        .and.match(/\r\n\r\nstopping$/);
      await stop;
      const refused = await fetch(`http://127.0.0.1:${port}/`).then(
        () => 'answered',
        () => 'refused',
      );
      expect(refused, 'no new connection once stopped').to.equal('refused');
    });

    it('an idle keep-alive connection is closed at once, and one that never sends a request is cut after the drain time', async () => {
      const idle = await open();
      const idleAnswer = responseOf(idle);
      idle.write(`GET ${HEALTH_PATH} HTTP/1.1\r\nHost: web\r\n\r\n`);
      await new Promise((resolve) => idle.once('data', resolve));
      const silent = await open();
      const silentClosed = responseOf(silent);
      const started = Date.now();
      const idleClosedAfter = idleAnswer.then(() => Date.now() - started);
      await stopping.stop();
      expect(await idleClosedAfter, 'the idle connection closed at once').to.be.below(200);
      // The silent one held the stop until the drain time (300 ms here) cut it.
      expect(Date.now() - started, 'stopped after the drain time, not before and not much after').to.be.within(250, 2_000);
      expect(await idleAnswer).to.match(/^HTTP\/1\.1 200 /);
      expect(await silentClosed, 'the silent connection is closed without an answer').to.equal('');
    });
  });

  describe('configuration and start', () => {
    it('defaults to 0.0.0.0:8090 and services/web/dist; WEB_* override them; a bad port or log level stops the start', () => {
      expect(readWebConfig({})).to.deep.equal({ host: '0.0.0.0', port: 8090, distDir: WEB_DIST_DIR, logLevel: 'info', logPretty: false });
      expect(readWebConfig({ WEB_HOST: '127.0.0.1', WEB_PORT: '0', WEB_DIST_DIR: '/srv/web', LOG_LEVEL: 'warn' })).to.deep.include({
        host: '127.0.0.1',
        port: 0,
        distDir: '/srv/web',
        logLevel: 'warn',
      });
      expect(() => readWebConfig({ WEB_PORT: '80x' })).to.throw(ConfigError, 'WEB_PORT');
      expect(() => readWebConfig({ WEB_PORT: '70000' })).to.throw(ConfigError, 'WEB_PORT');
      expect(() => readWebConfig({ LOG_LEVEL: 'loud' })).to.throw(ConfigError, 'LOG_LEVEL');
    });

    it('refuses to start when the front end was not built, naming the command that builds it', async () => {
      const empty = await mkdtemp(join(tmpdir(), 'web-unbuilt-'));
      try {
        const failure = await run(process.execPath, ['--import', 'tsx', 'services/web/server/main.ts'], {
          env: { PATH: process.env.PATH, WEB_DIST_DIR: empty, WEB_PORT: '0', WEB_HOST: '127.0.0.1' },
        }).then(
          () => undefined,
          (error: { code?: number; stderr?: string }) => error,
        );
        expect(failure, 'the process fails').to.not.equal(undefined);
        expect(failure!.code).to.not.equal(0);
        expect(failure!.stderr).to.include('index.html is missing').and.include('npm run build:web');
      } finally {
        await rm(empty, { recursive: true, force: true });
      }
    });
  });
});
