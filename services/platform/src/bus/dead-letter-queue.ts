import amqp, { type ConfirmChannel, type GetMessage } from 'amqplib';

/** One parked event, as an operator sees it. */
export interface DeadLetter {
  readonly eventId: string;
  readonly type: string;
  readonly routingKey: string;
  readonly attempt: number;
  /** Why the broker parked it (x-death: rejected, expired, delivery_limit), with its count. */
  readonly reason: string;
  readonly bytes: number;
}

/**
 * Operations on a service's dead-letter queue (<prefix>.<service>.dlq): count, look, redrive
 * into the service's work queue so the normal consumer applies it (inbox, idempotency and
 * retries as for any event, with its attempts counted afresh), or discard. Each operation takes
 * messages with basic.get and settles each only after its outcome is safe (a redriven copy is
 * confirmed by the broker before the parked one is acked), so a crash mid-way loses nothing.
 */
export class DeadLetterQueue {
  private constructor(
    private readonly connection: amqp.ChannelModel,
    private readonly channel: ConfirmChannel,
    private readonly queuePrefix: string,
  ) {}

  static async open(url: string, queuePrefix: string): Promise<DeadLetterQueue> {
    const connection = await amqp.connect(url, { clientProperties: { connection_name: 'dlq-tool' } });
    const channel = await connection.createConfirmChannel();
    return new DeadLetterQueue(connection, channel, queuePrefix);
  }

  queueOf(service: string): string {
    return `${this.queuePrefix}.${service}.dlq`;
  }

  /** Parked and waiting counts, or undefined when the service has no queues on this broker. */
  async count(service: string): Promise<{ deadLetters: number; waiting: number } | undefined> {
    // A missing queue closes the channel it was asked on (404): ask on a channel of its own.
    const channel = await this.connection.createChannel();
    channel.on('error', () => {});
    try {
      const dlq = await channel.checkQueue(this.queueOf(service));
      const work = await channel.checkQueue(`${this.queuePrefix}.${service}`);
      return { deadLetters: dlq.messageCount, waiting: work.messageCount };
    } catch {
      return undefined;
    } finally {
      await channel.close().catch(() => {});
    }
  }

  /** Up to `limit` parked events, left in place (handed back unacked, in their order). */
  async show(service: string, limit: number): Promise<DeadLetter[]> {
    const taken: GetMessage[] = [];
    try {
      for (let i = 0; i < limit; i += 1) {
        const message = await this.channel.get(this.queueOf(service), { noAck: false });
        if (!message) break;
        taken.push(message);
      }
      return taken.map(describe);
    } finally {
      // Requeued in reverse so the queue keeps its order at the head.
      for (const message of taken.reverse()) this.channel.nack(message, false, true);
    }
  }

  /** Moves up to `limit` parked events back to the service's work queue; returns how many. */
  async redrive(service: string, limit: number): Promise<number> {
    let moved = 0;
    for (; moved < limit; moved += 1) {
      const message = await this.channel.get(this.queueOf(service), { noAck: false });
      if (!message) break;
      const headers = { ...message.properties.headers, 'x-attempt': 1, 'x-redriven-at': new Date().toISOString() };
      delete headers['x-death'];
      delete headers['x-first-death-exchange'];
      delete headers['x-first-death-queue'];
      delete headers['x-first-death-reason'];
      this.channel.sendToQueue(`${this.queuePrefix}.${service}`, message.content, { ...message.properties, headers });
      await this.channel.waitForConfirms();
      this.channel.ack(message);
    }
    return moved;
  }

  /** Drops up to `limit` parked events for good; returns how many. */
  async discard(service: string, limit: number): Promise<number> {
    let dropped = 0;
    for (; dropped < limit; dropped += 1) {
      const message = await this.channel.get(this.queueOf(service), { noAck: false });
      if (!message) break;
      this.channel.ack(message);
    }
    return dropped;
  }

  async close(): Promise<void> {
    await this.channel.close().catch(() => {});
    await this.connection.close().catch(() => {});
  }
}

function describe(message: GetMessage): DeadLetter {
  const headers = message.properties.headers ?? {};
  const deaths = (headers['x-death'] as { reason?: string; count?: number }[] | undefined) ?? [];
  return {
    eventId: String(message.properties.messageId ?? ''),
    type: String(message.properties.type ?? ''),
    routingKey: String(headers['x-routing-key'] ?? message.fields.routingKey),
    attempt: Number(headers['x-attempt'] ?? 1),
    reason: deaths.map((death) => `${death.reason} x${death.count}`).join(', ') || 'sent here directly',
    bytes: message.content.length,
  };
}
