import type { Admin } from 'kafkajs';
import { sleep } from '../timing.js';
import type { BufferLogger } from './config.js';
import { errorMessage } from './error-message.js';

export interface TopicSettings {
  partitions: number;
  replicationFactor: number;
  timeoutMs: number;
}

/**
 * Creates the topics that are missing and waits until every partition of every topic has a
 * leader. Several collector replicas may do this at the same moment: a topic another one created
 * first counts as created. Existing topics are left as they are, whatever their partition count.
 */
export async function ensureTopics(
  admin: Admin,
  topics: readonly string[],
  settings: TopicSettings,
  log: BufferLogger,
): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const missing = topics.filter((topic) => !existing.has(topic));
  if (missing.length > 0) {
    try {
      // Resolves false when all of them already existed: another replica was quicker.
      await admin.createTopics({
        topics: missing.map((topic) => ({
          topic,
          numPartitions: settings.partitions,
          replicationFactor: settings.replicationFactor,
        })),
        timeout: settings.timeoutMs,
      });
    } catch (error) {
      throw new Error(
        `creating Kafka topics ${missing.join(', ')} (kafka.partitions ${settings.partitions}, kafka.replicationFactor ${settings.replicationFactor}) failed: ${errorMessage(error)}`,
        { cause: error },
      );
    }
    log.info({ topics: missing, partitions: settings.partitions }, 'created missing Kafka topics');
  }
  await waitForLeaders(admin, topics, settings.timeoutMs);
}

async function waitForLeaders(admin: Admin, topics: readonly string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let leaderless: string[];
    try {
      const { topics: metadata } = await admin.fetchTopicMetadata({ topics: [...topics] });
      leaderless = metadata
        .filter((topic) => topic.partitions.length === 0 || topic.partitions.some((p) => p.leader < 0))
        .map((topic) => topic.name);
    } catch (error) {
      // Right after creation the broker may not know the topic yet (UNKNOWN_TOPIC_OR_PARTITION).
      leaderless = [errorMessage(error)];
    }
    if (leaderless.length === 0) return;
    if (Date.now() >= deadline) {
      throw new Error(`Kafka topics have no leader after ${timeoutMs} ms: ${leaderless.join(', ')}`);
    }
    await sleep(100, { keepAlive: true });
  }
}
