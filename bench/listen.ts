// How every node:http benchmark server listens: a free port on 127.0.0.1, printed on stdout for
// the bench process (bench/load.ts `startServer`), and keep-alive longer than any round.
import type { Server } from 'node:http';

export function listenAndPrintPort(server: Server): void {
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    if (address && typeof address === 'object') process.stdout.write(`${address.port}\n`);
  });
}
