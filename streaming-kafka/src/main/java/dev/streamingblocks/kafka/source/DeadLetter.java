package dev.streamingblocks.kafka.source;

import java.util.Arrays;
import java.util.Objects;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/**
 * A record whose value could not be deserialized: its original key and value bytes, where it
 * came from, and why it failed.
 *
 * <pre>{@code
 * DataStream<DeadLetter> bad = streams.deadLetters();
 * bad.map(d -> d.getTopic() + "/" + d.getPartition() + "@" + d.getOffset() + ": " + d.getErrorMessage());
 * }</pre>
 *
 * <p>A Flink POJO (public no-argument constructor, getters and setters), so Flink serializes it
 * without Kryo; see {@link #TYPE_INFO}.
 */
public class DeadLetter {

    /** The type information of this class; a POJO type, never a generic (Kryo) one. */
    public static final TypeInformation<DeadLetter> TYPE_INFO = TypeInformation.of(DeadLetter.class);

    private byte[] key;
    private byte[] value;
    private String topic;
    private int partition;
    private long offset;
    private long timestamp;
    private String errorClass;
    private String errorMessage;

    /** For Flink's POJO serializer. */
    public DeadLetter() {}

    public DeadLetter(
            byte[] key,
            byte[] value,
            String topic,
            int partition,
            long offset,
            long timestamp,
            String errorClass,
            String errorMessage) {
        this.key = key;
        this.value = value;
        this.topic = topic;
        this.partition = partition;
        this.offset = offset;
        this.timestamp = timestamp;
        this.errorClass = errorClass;
        this.errorMessage = errorMessage;
    }

    /** The original key bytes; {@code null} if the record had no key. */
    public byte[] getKey() {
        return key;
    }

    public void setKey(byte[] key) {
        this.key = key;
    }

    /** The original value bytes; {@code null} for a tombstone. */
    public byte[] getValue() {
        return value;
    }

    public void setValue(byte[] value) {
        this.value = value;
    }

    public String getTopic() {
        return topic;
    }

    public void setTopic(String topic) {
        this.topic = topic;
    }

    public int getPartition() {
        return partition;
    }

    public void setPartition(int partition) {
        this.partition = partition;
    }

    public long getOffset() {
        return offset;
    }

    public void setOffset(long offset) {
        this.offset = offset;
    }

    /** The original record's Kafka timestamp, epoch milliseconds. */
    public long getTimestamp() {
        return timestamp;
    }

    public void setTimestamp(long timestamp) {
        this.timestamp = timestamp;
    }

    /** The fully qualified class name of the exception the deserializer threw. */
    public String getErrorClass() {
        return errorClass;
    }

    public void setErrorClass(String errorClass) {
        this.errorClass = errorClass;
    }

    /** The exception's message; empty when it had none. */
    public String getErrorMessage() {
        return errorMessage;
    }

    public void setErrorMessage(String errorMessage) {
        this.errorMessage = errorMessage;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof DeadLetter)) {
            return false;
        }
        DeadLetter that = (DeadLetter) o;
        return partition == that.partition
                && offset == that.offset
                && timestamp == that.timestamp
                && Arrays.equals(key, that.key)
                && Arrays.equals(value, that.value)
                && Objects.equals(topic, that.topic)
                && Objects.equals(errorClass, that.errorClass)
                && Objects.equals(errorMessage, that.errorMessage);
    }

    @Override
    public int hashCode() {
        int result = Objects.hash(topic, partition, offset, timestamp, errorClass, errorMessage);
        result = 31 * result + Arrays.hashCode(key);
        return 31 * result + Arrays.hashCode(value);
    }

    /** Sizes only: the payload may be large or sensitive. */
    @Override
    public String toString() {
        return "DeadLetter{topic='" + topic + "', partition=" + partition + ", offset=" + offset
                + ", timestamp=" + timestamp
                + ", keyBytes=" + (key == null ? "null" : String.valueOf(key.length))
                + ", valueBytes=" + (value == null ? "null" : String.valueOf(value.length))
                + ", errorClass='" + errorClass + "', errorMessage='" + errorMessage + "'}";
    }
}
