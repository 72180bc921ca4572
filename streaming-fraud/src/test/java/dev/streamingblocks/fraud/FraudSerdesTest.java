package dev.streamingblocks.fraud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.streamingblocks.core.avro.TombstoneException;
import dev.streamingblocks.fraud.rules.FraudRule;
import dev.streamingblocks.fraud.rules.FraudRules;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;

/** Transactions and rules on Kafka are read strictly, and checked by their validators. */
class FraudSerdesTest {

    private static final Instant T = Instant.parse("2026-02-06T12:00:00Z");

    private static Transaction tx(String id, String user, double amount, Instant time) {
        return Transaction.newBuilder()
                .setTransactionId(id)
                .setUserId(user)
                .setAmount(amount)
                .setTimestamp(time)
                .build();
    }

    private final DeserializationSchema<Transaction> reader = FraudSerdes.transactionDeserializer();
    private final byte[] good = FraudSerdes.transactionSerializer().serialize(tx("t1", "alice", 12.5, T));

    @Test
    void readsWhatTheSerializerWrites() throws Exception {
        assertThat(reader.deserialize(good)).isEqualTo(tx("t1", "alice", 12.5, T));
    }

    @Test
    void aTombstoneOrAnEmptyValueFails() {
        assertThatThrownBy(() -> reader.deserialize(null))
                .isInstanceOf(TombstoneException.class)
                .hasMessage("Transaction record has no value (a tombstone)");
        assertThatThrownBy(() -> reader.deserialize(new byte[0]))
                .isInstanceOf(MalformedFraudRecordException.class)
                .hasMessage("Transaction record value is empty (0 bytes)");
    }

    @Test
    void truncatedOrOverlongValuesFail() {
        assertThatThrownBy(() -> reader.deserialize(Arrays.copyOf(good, good.length - 3)))
                .isInstanceOf(MalformedFraudRecordException.class)
                .hasMessage("Transaction record value (" + (good.length - 3) + " bytes) is not plain Avro binary"
                        + " of its schema: java.io.EOFException");
        byte[] longer = Arrays.copyOf(good, good.length + 2);
        assertThatThrownBy(() -> reader.deserialize(longer))
                .isInstanceOf(MalformedFraudRecordException.class)
                .hasMessage("Transaction record value (" + longer.length + " bytes) has 2 bytes left after the"
                        + " record: not plain Avro binary of its schema");
    }

    /** Avro alone would read invalid UTF-8 as U+FFFD without a word. */
    @Test
    void aStringThatIsNotUtf8Fails() {
        byte[] bad = good.clone();
        bad[1] = (byte) 0xFF; // the 't' of "t1", after the one-byte length
        assertThatThrownBy(() -> reader.deserialize(bad))
                .isInstanceOf(MalformedFraudRecordException.class)
                .hasMessage("Transaction record value (" + bad.length + " bytes) is not plain Avro binary of its"
                        + " schema: org.apache.avro.AvroRuntimeException: Malformed data: a string of 2 byte(s)"
                        + " is not valid UTF-8 (byte 0xff at index 0)");
    }

    @Test
    void theDeserializersSurviveJavaSerialization() throws Exception {
        DeserializationSchema<Transaction> copy =
                InstantiationUtil.clone(reader, getClass().getClassLoader());
        assertThat(copy.deserialize(good)).isEqualTo(tx("t1", "alice", 12.5, T));
        assertThat(copy.getProducedType()).isEqualTo(reader.getProducedType());
    }

    @Test
    void theTransactionValidatorNamesTheFieldAndTheValue() {
        var validator = FraudSerdes.transactionValidator();
        assertThat(validator.problem(tx("t1", "alice", 0.0, T))).isEmpty();
        assertThat(validator.problem(tx("t1", "alice", Double.NaN, T)))
                .contains("Transaction 't1': field 'amount' must be a finite number >= 0, but was NaN");
        assertThat(validator.problem(tx("t1", "alice", Double.POSITIVE_INFINITY, T)))
                .contains("Transaction 't1': field 'amount' must be a finite number >= 0, but was Infinity");
        assertThat(validator.problem(tx("t1", "alice", -0.01, T)))
                .contains("Transaction 't1': field 'amount' must be a finite number >= 0, but was -0.01");
        assertThat(validator.problem(tx(" ", "alice", 1.0, T)))
                .contains("Transaction field 'transaction_id' must not be blank, but was ' '");
        assertThat(validator.problem(tx("t1", "", 1.0, T)))
                .contains("Transaction 't1': field 'user_id' must not be blank, but was ''");
        assertThat(validator.problem(tx("t1", "a".repeat(1025), 1.0, T)))
                .contains("Transaction 't1': field 'user_id' is 1025 characters long, more than 1024");
        assertThat(validator.problem(tx("t".repeat(1025), "alice", 1.0, T)))
                .contains("Transaction field 'transaction_id' is 1025 characters long, more than 1024");
        assertThat(validator.problem(tx("t1", "a".repeat(1024), 1.0, T))).isEmpty();
        assertThat(validator.problem(tx("t1", "alice", 1.0, Instant.ofEpochMilli(-1))))
                .contains(
                        "Transaction 't1': field 'timestamp' must not be before 1970, but was 1969-12-31T23:59:59.999Z");
    }

    @Test
    void theRuleValidatorIsTheDetectorsRuleCheck() throws Exception {
        var validator =
                InstantiationUtil.clone(FraudSerdes.ruleValidator(), getClass().getClassLoader());
        assertThat(validator.problem(FraudRules.articleRule())).isEmpty();
        assertThat(validator.problem(FraudRules.deletion("r1"))).isEmpty();
        FraudRule noCount =
                FraudRule.newBuilder(FraudRules.articleRule()).setMinCount(0).build();
        assertThat(validator.problem(noCount))
                .isEqualTo(Optional.of("rule 'article-tumbling-1m': min_count must be at least 1, was 0"));
        byte[] rule = FraudSerdes.ruleSerializer().serialize(FraudRules.articleRule());
        assertThat(FraudSerdes.ruleDeserializer().deserialize(rule)).isEqualTo(FraudRules.articleRule());
    }
}
