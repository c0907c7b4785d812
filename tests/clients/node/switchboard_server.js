'use strict';
// Runs the real switchboard binary on loopback for client end-to-end tests.

const { execFile, spawn } = require('node:child_process');
const http = require('node:http');
const { promisify } = require('node:util');

const execFileAsync = promisify(execFile);

class SwitchboardServer {
  /**
   * Starts `binary --store=memory` on 127.0.0.1 (HTTP port 0; gRPC `grpcPort`, 0 = any).
   * With `dataDir`: `--store=rocksdb --data_dir=DATA_DIR --nosync` instead (a
   * new server on the same folder keeps the events and the consumer groups).
   */
  static async start(binary, grpcPort = 0, { timeoutMs = 10000, dataDir } = {}) {
    const server = new SwitchboardServer();
    const store = dataDir === undefined ? ['--store=memory']
      : ['--store=rocksdb', `--data_dir=${dataDir}`, '--nosync'];
    server.proc = spawn(binary, ['--http_addr=127.0.0.1:0', '--admin_addr=127.0.0.1:0',
      `--grpc_addr=127.0.0.1:${grpcPort}`,
      ...store], { stdio: ['ignore', 'ignore', 'pipe'] });
    server.log = '';
    server.exited = new Promise((resolve) => server.proc.on('exit', (code, signal) => resolve(code ?? signal)));
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`switchboard not ready: ${server.log}`)), timeoutMs);
      server.proc.stderr.setEncoding('utf8').on('data', (chunk) => {
        server.log += chunk;
        if (/ ready\n/.test(server.log)) {
          clearTimeout(timer);
          resolve();
        }
      });
      server.exited.then((status) => reject(new Error(`switchboard exited (${status}): ${server.log}`)));
    }).catch(async (error) => {
      await server.stop();
      throw error;
    });
    server.grpcAddr = /grpc server listening on (\S+)/.exec(server.log)[1];
    server.httpAddr = /http gateway listening on (\S+)/.exec(server.log)[1];
    server.grpcPort = Number(server.grpcAddr.split(':').pop());
    return server;
  }

  /**
   * POSTs a webhook with curl: a document (sent as JSON) or a string (sent as
   * is, e.g. a fixture file's text); resolves to its sequence (a number).
   */
  async post(webhook) {
    const child = execFileAsync('curl', ['-sS', '--fail-with-body', '--max-time', '10',
      '-X', 'POST', '-H', 'Content-Type: application/json', '--data-binary', '@-',
      `http://${this.httpAddr}/webhooks/justcall`], { timeout: 15000 });
    child.child.stdin.end(typeof webhook === 'string' ? webhook : JSON.stringify(webhook));
    const { stdout } = await child;
    return JSON.parse(stdout).sequence;
  }

  /**
   * POSTs webhook documents one after the other on one keep-alive connection
   * (thousands in a second or two, where a curl each takes a minute);
   * resolves to their sequences.
   */
  async postMany(webhooks) {
    const [host, port] = [this.httpAddr.slice(0, this.httpAddr.lastIndexOf(':')),
      Number(this.httpAddr.slice(this.httpAddr.lastIndexOf(':') + 1))];
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const sequences = [];
    try {
      for (const webhook of webhooks) {
        const body = JSON.stringify(webhook);
        const answer = await new Promise((resolve, reject) => {
          const request = http.request({
            host, port, agent, method: 'POST', path: '/webhooks/justcall', timeout: 10000,
            headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
          }, (response) => {
            let text = '';
            response.setEncoding('utf8').on('data', (chunk) => { text += chunk; });
            response.on('end', () => (response.statusCode === 200 ? resolve(text)
              : reject(new Error(`POST answered ${response.statusCode}: ${text}`))));
          });
          request.on('error', reject);
          request.on('timeout', () => request.destroy(new Error('POST timed out')));
          request.end(body);
        });
        sequences.push(JSON.parse(answer).sequence);
      }
    } finally {
      agent.destroy();
    }
    return sequences;
  }

  /** SIGTERM, SIGKILL after 5 s; resolves to the exit code. */
  async stop() {
    if (this.proc.exitCode === null && this.proc.signalCode === null) {
      this.proc.kill('SIGTERM');
      const timer = setTimeout(() => this.proc.kill('SIGKILL'), 5000);
      await this.exited;
      clearTimeout(timer);
    }
    return this.exited;
  }
}

module.exports = { SwitchboardServer };
