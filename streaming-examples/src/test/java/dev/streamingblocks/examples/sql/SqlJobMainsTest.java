package dev.streamingblocks.examples.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The jobs' {@code main}: {@code --help} prints usage and starts nothing; bad options fail first. */
class SqlJobMainsTest {

    @Test
    void helpPrintsEachJobsDescriptionAndTheOptions() throws Exception {
        assertThat(helpOf(OrderStatsSql::main)).isEqualTo(SqlJobOptions.usage(OrderStatsSql.DESCRIPTION) + "\n");
        assertThat(helpOf(SessionsSql::main)).isEqualTo(SqlJobOptions.usage(SessionsSql.DESCRIPTION) + "\n");
        assertThat(helpOf(EnrichSql::main)).isEqualTo(SqlJobOptions.usage(EnrichSql.DESCRIPTION) + "\n");
    }

    @Test
    void unknownOptionsFailBeforeAnythingStarts() {
        assertThatThrownBy(() -> OrderStatsSql.main(new String[] {"--orders", "10"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Unknown option '--orders'; try --help");
    }

    interface MainMethod {
        void run(String[] args) throws Exception;
    }

    private static String helpOf(MainMethod main) throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            main.run(new String[] {"--help"});
        } finally {
            System.setOut(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}
