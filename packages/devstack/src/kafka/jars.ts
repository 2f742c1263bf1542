import { ensureMavenJars, type MavenJars, type MavenProgram } from '../process/maven-jars.js';

/** The Apache Kafka release the dev stack runs (org.apache.kafka:kafka_2.13 on Maven Central). */
export const KAFKA_VERSION = '4.4.0';

export type KafkaJars = MavenJars;

export interface KafkaJarsOptions {
  cacheDir: string;
  version?: string;
  mvn?: string;
}

const KAFKA: MavenProgram = {
  service: 'kafka',
  pomFolder: 'kafka',
  versionProperty: 'kafka.version',
  artifact: 'org.apache.kafka:kafka_2.13',
  jarPrefix: 'kafka_2.13-',
};

/** The cached class path of Kafka `version`, resolved from Maven Central with `mvn` on first use. */
export function ensureKafkaJars(options: KafkaJarsOptions): Promise<KafkaJars> {
  return ensureMavenJars(KAFKA, { ...options, version: options.version ?? KAFKA_VERSION });
}
