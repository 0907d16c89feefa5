import { checkHostAndOrigin, refuseBatch } from './mcp-request-checks.js';

const loopback = { allowedHosts: ['localhost', '127.0.0.1', '[::1]'], allowedOrigins: [] };

describe('MCP request checks', () => {
  it('lets this machine in by any port, IPv6 included, and no one else', () => {
    expect(() => checkHostAndOrigin({ host: '127.0.0.1:3000' }, loopback)).not.toThrow();
    expect(() => checkHostAndOrigin({ host: 'LOCALHOST' }, loopback)).not.toThrow();
    expect(() => checkHostAndOrigin({ host: '[::1]:8080' }, loopback)).not.toThrow();
    expect(() => checkHostAndOrigin({ host: 'evil.example:3000' }, loopback)).toThrow(/Host/);
    expect(() => checkHostAndOrigin({}, loopback)).toThrow(/Host/);
  });

  it('judges a browser by its Origin; clients that send none pass', () => {
    const allowed = { allowedHosts: [], allowedOrigins: ['https://chat.example.com'] };
    expect(() => checkHostAndOrigin({ origin: 'https://chat.example.com' }, allowed)).not.toThrow();
    expect(() => checkHostAndOrigin({ origin: 'null' }, allowed)).toThrow(/Origin/);
    expect(() => checkHostAndOrigin({ origin: 'http://chat.example.com' }, allowed)).toThrow(
      /Origin/,
    );
    expect(() => checkHostAndOrigin({}, allowed)).not.toThrow();
    const any = { allowedHosts: [], allowedOrigins: ['*'] };
    expect(() => checkHostAndOrigin({ origin: 'https://anywhere.example' }, any)).not.toThrow();
  });

  it('refuses a batch and takes one message', () => {
    expect(() => refuseBatch([{ jsonrpc: '2.0', id: 1, method: 'ping' }])).toThrow(/batches/);
    expect(() => refuseBatch({ jsonrpc: '2.0', id: 1, method: 'ping' })).not.toThrow();
  });
});
