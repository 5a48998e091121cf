import { Kafka, logLevel, Partitioners, type Admin, type Producer } from 'kafkajs';

/** `quiet`: no log lines for connection errors (a test that stops the broker expects them). */
export async function connectProducer(brokers: string, quiet = false): Promise<Producer> {
  const producer = new Kafka({
    clientId: 'it',
    brokers: brokers.split(','),
    logLevel: quiet ? logLevel.NOTHING : logLevel.WARN,
  }).producer({
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  return producer;
}

/** Sends like a dialer that keeps going: chunks of `size`, a pause between them. */
export async function sendInChunks(
  producer: Producer,
  messages: { topic: string; key: string; value: string }[],
  size = 250,
  pauseMs = 40,
): Promise<void> {
  for (let i = 0; i < messages.length; i += size) {
    const chunk = messages.slice(i, i + size);
    const topics = [...new Set(chunk.map((m) => m.topic))];
    await producer.sendBatch({
      topicMessages: topics.map((topic) => ({
        topic,
        messages: chunk.filter((m) => m.topic === topic).map(({ key, value }) => ({ key, value })),
      })),
    });
    await new Promise((r) => setTimeout(r, pauseMs));
  }
}

export async function connectAdmin(brokers: string): Promise<Admin> {
  const admin = new Kafka({
    clientId: 'it-admin',
    brokers: brokers.split(','),
    logLevel: logLevel.WARN,
  }).admin();
  await admin.connect();
  return admin;
}
