package dev.streamingblocks.kafka.sink;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SinkDeadLetterTextTest {

    @Test
    void aPrefixNeverSplitsACharacterAndSaysWhetherItCut() {
        // "é" is 2 bytes, "€" 3: 5 bytes hold "aé" (3) but not "aé€" (6).
        SinkDeadLetterText.Utf8Prefix cut = SinkDeadLetterText.utf8Prefix("aé€b", 5);
        assertThat(new String(cut.bytes(), UTF_8)).isEqualTo("aé");
        assertThat(cut.truncated()).isTrue();

        SinkDeadLetterText.Utf8Prefix whole = SinkDeadLetterText.utf8Prefix("aé€b", 7);
        assertThat(new String(whole.bytes(), UTF_8)).isEqualTo("aé€b");
        assertThat(whole.truncated()).isFalse();
    }

    @Test
    void aRecordWhoseToStringThrowsIsDescribedByItsClass() {
        Object broken = new Object() {
            @Override
            public String toString() {
                throw new IllegalStateException("no");
            }
        };

        assertThat(SinkDeadLetterText.describe(broken))
                .isEqualTo("<" + broken.getClass().getName() + ": toString() threw java.lang.IllegalStateException>");
        assertThat(SinkDeadLetterText.describe(null)).isEqualTo("null");
    }

    @Test
    void theErrorMessageIsCutToItsLimitAndEmptyWhenAbsent() {
        String longMessage = "x".repeat(TypedKafkaSink.MAX_DEAD_LETTER_ERROR_MESSAGE_BYTES + 10);

        assertThat(SinkDeadLetterText.errorMessage(new RuntimeException(longMessage)))
                .hasSize(TypedKafkaSink.MAX_DEAD_LETTER_ERROR_MESSAGE_BYTES);
        assertThat(SinkDeadLetterText.errorMessage(new RuntimeException((String) null)))
                .isEmpty();
    }
}
