package dev.streamingblocks.examples.sql.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SqlTextTest {

    @Test
    void literalDoublesQuotesSoAValueCannotEndIt() {
        assertThat(SqlText.literal("it's")).isEqualTo("'it''s'");
        assertThat(SqlText.literal("plain")).isEqualTo("'plain'");
    }

    @Test
    void withKeepsOrderAndLeavesOutNulls() {
        Map<String, String> options = SqlText.options();
        options.put("connector", "kafka");
        options.put("scan.bounded.mode", null);
        options.put("password", "a'b");
        assertThat(SqlText.with(options)).isEqualTo("WITH (\n    'connector' = 'kafka',\n    'password' = 'a''b'\n)");
    }
}
