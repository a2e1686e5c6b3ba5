import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/** A promise with its resolve function, resolved at most once. */
function signal(): { promise: Promise<void>; fire: () => void } {
  let fire!: () => void;
  const promise = new Promise<void>((resolve) => { fire = resolve; });
  return { promise, fire };
}

/**
 * An HTTP proxy in front of the real schema registry that makes the registration race of several
 * instances happen the same way on every run, by ordering requests rather than by timing.
 *
 * @kafkajs/confluent-schema-registry registers in three requests: GET /config/<subject> (404 on a
 * fresh subject), POST /subjects/<subject>/versions, then, on a first registration,
 * PUT /config/<subject>. For one subject the gate
 * - lets the first `registrants` GETs through: they see 404 (or NONE, if one comes after the first
 *   POST) and register;
 * - holds the other GETs until a POST has been answered: those instances find the subject with no
 *   level of its own yet (Apicurio answers its default, NONE);
 * - holds every PUT until `instances` GETs have been answered, then lets them go together
 *   (Apicurio refuses all but one of simultaneous rule creations with 409).
 */
export class RegistryGate {
  /** What GET /config/<subject> answered, in order: `404`, `200 NONE`, `200 BACKWARD`. */
  readonly levelReads: string[] = [];
  /** What PUT /config/<subject> answered, in order: `200`, `409`. */
  readonly levelWrites: string[] = [];
  private server: Server | undefined;
  private readonly target: URL;
  private readonly configPath: string;
  private readonly versionsPath: string;
  private passedReads = 0;
  private readonly registered = signal();
  private readonly allRead = signal();

  constructor(registryUrl: string, subject: string, private readonly counts: { instances: number; registrants: number }) {
    this.target = new URL(registryUrl);
    const base = this.target.pathname.replace(/\/$/, '');
    this.configPath = `${base}/config/${encodeURIComponent(subject)}`;
    this.versionsPath = `${base}/subjects/${encodeURIComponent(subject)}/versions`;
  }

  /** The registry URL to give the instances. */
  get url(): string {
    const port = (this.server!.address() as { port: number }).port;
    return `http://127.0.0.1:${port}${this.target.pathname}`;
  }

  async up(): Promise<void> {
    this.server = createServer((request, response) => {
      this.forward(request, response).catch((error: unknown) => {
        response.writeHead(502).end(String(error));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
  }

  async down(): Promise<void> {
    this.registered.fire();
    this.allRead.fire();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = undefined;
  }

  private async forward(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const readsLevel = request.method === 'GET' && request.url === this.configPath;
    const writesLevel = request.method === 'PUT' && request.url === this.configPath;
    const registers = request.method === 'POST' && request.url === this.versionsPath;
    if (readsLevel && this.passedReads++ >= this.counts.registrants) await this.registered.promise;
    if (writesLevel) await this.allRead.promise;

    const headers: Record<string, string> = {};
    for (const name of ['content-type', 'accept', 'authorization']) {
      const value = request.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    const answer = await fetch(new URL(request.url!, this.target.origin), {
      method: request.method,
      headers,
      body: chunks.length ? Buffer.concat(chunks) : undefined,
    });
    const body = Buffer.from(await answer.arrayBuffer());
    response.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
    response.end(body);

    if (registers && answer.ok) this.registered.fire();
    if (writesLevel) this.levelWrites.push(String(answer.status));
    if (readsLevel) {
      const level = answer.ok ? ` ${(JSON.parse(body.toString()) as { compatibilityLevel?: string }).compatibilityLevel}` : '';
      this.levelReads.push(`${answer.status}${level}`);
      if (this.levelReads.length >= this.counts.instances) this.allRead.fire();
    }
  }
}
