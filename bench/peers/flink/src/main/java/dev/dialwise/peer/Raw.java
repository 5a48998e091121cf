package dev.dialwise.peer;

/**
 * One Kafka record as the job carries it from the source to the keyed
 * enrichment: the JSON text untouched (parsed and validated after the
 * keyBy, as Dialwise parses in its pipeline), where it came from, and the
 * customer it is keyed by. A Flink POJO: public fields, no-arg constructor.
 */
public class Raw {
  /** customer_id read from the JSON ("" when there is none: such a record is a dead letter). */
  public String key;
  public String topic;
  public int partition;
  public long offset;
  /** The Kafka record timestamp (ms): where the latency is measured from. */
  public long timestamp;
  public String value;

  public Raw() {}
}
