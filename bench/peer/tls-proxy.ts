// A CONNECT proxy that lets an unmodified Twilio client (here twilio-go inside the
// Terraform provider) talk to the TaskRouter emulator. The client sends
// `CONNECT taskrouter.twilio.com:443` because HTTPS_PROXY points here; the proxy
// answers the tunnel itself, terminates TLS with a certificate for *.twilio.com
// signed by a throwaway CA made at start-up (trusted by the client through
// SSL_CERT_FILE), and forwards each HTTP request to the emulator. Any other
// destination is refused, so nothing leaves the machine.
//
// The emulator counts the forwarded requests like any other, so its counters
// measure both tools the same way.

import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import * as tls from "node:tls";

export interface TlsProxy {
  /** `http://127.0.0.1:<port>`: the value for HTTPS_PROXY. */
  url: string;
  /** PEM of the throwaway CA: the value for SSL_CERT_FILE. */
  caFile: string;
  stats: { tunnels: number; requests: number; refused: number };
  close(): Promise<void>;
}

const TWILIO_HOST = /^([a-z0-9-]+\.)*twilio\.com$/i;

/** A CA and a *.twilio.com server certificate, valid for one day, made with openssl. */
function makeCertificates(dir: string): { key: string; cert: string; caFile: string } {
  const run = (args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
  try {
    run(["version"]);
  } catch {
    throw new Error("bench/peer needs the openssl command to make its throwaway CA (Debian: apt-get install openssl)");
  }
  run(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-sha256", "-days", "1", "-keyout", "ca.key", "-out", "ca.crt",
    "-subj", "/CN=flex-roster bench throwaway CA",
    "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"]);
  run(["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "leaf.key", "-out", "leaf.csr", "-subj", "/CN=*.twilio.com"]);
  writeFileSync(
    path.join(dir, "leaf.ext"),
    "subjectAltName=DNS:*.twilio.com,DNS:twilio.com\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n",
  );
  run(["x509", "-req", "-sha256", "-days", "1", "-in", "leaf.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
    "-extfile", "leaf.ext", "-out", "leaf.crt"]);
  return {
    key: readFileSync(path.join(dir, "leaf.key"), "utf8"),
    cert: readFileSync(path.join(dir, "leaf.crt"), "utf8"),
    caFile: path.join(dir, "ca.crt"),
  };
}

export interface ProxyOptions {
  /** The emulator's base URL. */
  target: string;
  /**
   * Basic-auth credentials to swap on the way through. twilio-go refuses a password
   * with characters outside [A-Za-z0-9] before sending anything, and the emulator's
   * development auth token has dashes; so the client gets an alphanumeric stand-in
   * and the proxy replaces exactly that pair with the emulator's. Any other
   * Authorization header passes unchanged (and wrong credentials still get 401).
   */
  swapCredentials?: { from: [string, string]; to: [string, string] };
}

const basic = ([u, p]: [string, string]) => `Basic ${Buffer.from(`${u}:${p}`).toString("base64")}`;

export async function startTlsProxy(opts: ProxyOptions): Promise<TlsProxy> {
  const target = new URL(opts.target);
  const dir = mkdtempSync(path.join(os.tmpdir(), "flex-roster-peer-ca-"));
  const { key, cert, caFile } = makeCertificates(dir);
  const stats = { tunnels: 0, requests: 0, refused: 0 };
  const upstream = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const sockets = new Set<Socket>();

  // Decrypted requests from the tunnels: forwarded as they are, with the emulator's
  // Host so the URLs it renders point back at itself.
  const inner = http.createServer((req, res) => {
    stats.requests++;
    const headers = { ...req.headers, host: target.host };
    if (opts.swapCredentials && headers.authorization === basic(opts.swapCredentials.from)) {
      headers.authorization = basic(opts.swapCredentials.to);
    }
    const up = http.request(
      { protocol: target.protocol, hostname: target.hostname, port: target.port, method: req.method, path: req.url, headers, agent: upstream },
      (ur) => {
        res.writeHead(ur.statusCode ?? 502, ur.headers);
        ur.pipe(res);
      },
    );
    up.on("error", (err) => {
      if (!res.headersSent) res.writeHead(502, { "content-type": "text/plain" });
      res.end(`bench proxy: emulator unreachable: ${err.message}`);
    });
    req.pipe(up);
  });
  inner.keepAliveTimeout = 30_000;

  const outer = http.createServer((_req, res) => {
    // Plain-HTTP proxying is not needed (Twilio is HTTPS only): refuse it.
    stats.refused++;
    res.writeHead(403, { "content-type": "text/plain" }).end("bench proxy: only CONNECT to *.twilio.com:443\n");
  });
  outer.on("connection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  outer.on("connect", (req: http.IncomingMessage, socket: Socket, head: Buffer) => {
    const [host, port] = String(req.url).split(":");
    if (!TWILIO_HOST.test(host) || (port ?? "443") !== "443") {
      stats.refused++;
      socket.end("HTTP/1.1 403 Forbidden\r\n\r\n");
      return;
    }
    stats.tunnels++;
    socket.write("HTTP/1.1 200 Connection Established\r\n\r\n");
    if (head.length) socket.unshift(head);
    const secure = new tls.TLSSocket(socket, { isServer: true, key, cert, ALPNProtocols: ["http/1.1"] });
    secure.on("error", () => socket.destroy());
    inner.emit("connection", secure);
  });

  await new Promise<void>((resolve) => outer.listen(0, "127.0.0.1", resolve));
  const { port } = outer.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    caFile,
    stats,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => outer.close(() => resolve()));
      inner.close();
      upstream.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
