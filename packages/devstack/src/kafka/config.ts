import { randomBytes } from 'node:crypto';

export interface BrokerConfig {
  host: string;
  port: number;
  controllerPort: number;
  logDir: string;
}

/** A single-node KRaft cluster: this process is broker and controller (node 1). */
export function serverProperties(config: BrokerConfig): string {
  const broker = `${config.host}:${config.port}`;
  const controller = `${config.host}:${config.controllerPort}`;
  const properties: Record<string, string | number | boolean> = {
    'process.roles': 'broker,controller',
    'node.id': 1,
    'controller.quorum.bootstrap.servers': controller,
    listeners: `PLAINTEXT://${broker},CONTROLLER://${controller}`,
    'advertised.listeners': `PLAINTEXT://${broker},CONTROLLER://${controller}`,
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'log.dirs': config.logDir,
    // One node: every internal topic has a single replica.
    'offsets.topic.replication.factor': 1,
    'transaction.state.log.replication.factor': 1,
    'transaction.state.log.min.isr': 1,
    'share.coordinator.state.topic.replication.factor': 1,
    'share.coordinator.state.topic.min.isr': 1,
    // Fast first use: the offsets topic is created on the first consumer group, and groups
    // should not wait for more members that will never come.
    'offsets.topic.num.partitions': 1,
    'group.initial.rebalance.delay.ms': 0,
    'auto.create.topics.enable': true,
  };
  const lines = Object.entries(properties).map(([key, value]) => `${key}=${value}`);
  return `# Written by firefly-stack at every start; edits are overwritten.\n${lines.join('\n')}\n`;
}

export const LOG4J2_PROPERTIES = `# Written by firefly-stack.
rootLogger.level = INFO
rootLogger.appenderRef.stdout.ref = STDOUT
appender.stdout.type = Console
appender.stdout.name = STDOUT
appender.stdout.layout.type = PatternLayout
appender.stdout.layout.pattern = [%d] %p %m (%c)%n
logger.stateChange.name = state.change.logger
logger.stateChange.level = WARN
logger.request.name = kafka.request.logger
logger.request.level = WARN
`;

/** A KRaft cluster id: 16 random bytes, URL-safe base64 without padding, as Kafka's Uuid prints. */
export function newClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    // Kafka never issues ids that start with '-': they would read as command-line flags.
    if (!id.startsWith('-')) return id;
  }
}
