package dev.dialwise.peer;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Kafka record to {@link Raw}. The key is the event's own customer_id (the
 * state is keyed by it, as Dialwise keys profiles), read with a streaming
 * scan of the top level (the last "customer_id" wins, as in JSON.parse): no
 * tree is built here.
 */
public class RawDeserializer implements KafkaRecordDeserializationSchema<Raw> {
  private static final long serialVersionUID = 1L;
  private transient JsonFactory json;

  @Override
  public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<Raw> out) {
    Raw r = new Raw();
    r.topic = record.topic();
    r.partition = record.partition();
    r.offset = record.offset();
    r.timestamp = record.timestamp();
    r.value = record.value() == null ? "" : new String(record.value(), StandardCharsets.UTF_8);
    r.key = customerIdOf(r.value);
    out.collect(r);
  }

  private String customerIdOf(String text) {
    if (json == null) json = new JsonFactory();
    String id = "";
    try (JsonParser p = json.createParser(text)) {
      if (p.nextToken() != JsonToken.START_OBJECT) return "";
      for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
        String name = p.currentName();
        JsonToken v = p.nextToken();
        if ("customer_id".equals(name)) id = v == JsonToken.VALUE_STRING ? p.getText() : "";
        else p.skipChildren();
      }
    } catch (IOException | RuntimeException e) {
      // Not JSON: keyed by "", and the enrichment dead-letters it with the parser's reason.
    }
    return id;
  }

  @Override
  public TypeInformation<Raw> getProducedType() {
    return TypeInformation.of(Raw.class);
  }
}
