package dev.streamingblocks.sessions.postgres.internal;

import static dev.streamingblocks.sessions.postgres.internal.SqlErrorKind.DATA;
import static dev.streamingblocks.sessions.postgres.internal.SqlErrorKind.FATAL;
import static dev.streamingblocks.sessions.postgres.internal.SqlErrorKind.TRANSIENT;
import static dev.streamingblocks.sessions.postgres.internal.SqlErrorKind.classify;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.SocketTimeoutException;
import java.sql.BatchUpdateException;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/** Which SQL failures the writer retries, which reject one change, and which fail the job. */
class SqlErrorKindTest {

    @Test
    void connectionExceptionsAreRetried() {
        assertThat(classify(new SQLException("refused", "08001"))).isEqualTo(TRANSIENT);
        assertThat(classify(new SQLException("broken", "08006"))).isEqualTo(TRANSIENT);
    }

    @Test
    void aServerThatIsRestartingIsRetried() {
        // What a PostgreSQL restart looks like from the client: open connections are terminated
        // (57P01, or 57P02 after a crash) and new ones are refused while it starts (57P03).
        assertThat(classify(new SQLException("FATAL: terminating connection due to administrator command", "57P01")))
                .isEqualTo(TRANSIENT);
        assertThat(classify(new SQLException(
                        "FATAL: terminating connection because of crash of another server" + " process", "57P02")))
                .isEqualTo(TRANSIENT);
        assertThat(classify(new SQLException("FATAL: the database system is starting up", "57P03")))
                .isEqualTo(TRANSIENT);
    }

    @Test
    void conflictsBetweenTransactionsAndShortResourcesAreRetried() {
        assertThat(classify(new SQLException("could not serialize access", "40001")))
                .isEqualTo(TRANSIENT);
        assertThat(classify(new SQLException("deadlock detected", "40P01"))).isEqualTo(TRANSIENT);
        assertThat(classify(new SQLException("could not extend file: No space left on device", "53100")))
                .isEqualTo(TRANSIENT);
        assertThat(classify(new SQLException("out of memory", "53200"))).isEqualTo(TRANSIENT);
        assertThat(classify(new SQLException("too many connections", "53300"))).isEqualTo(TRANSIENT);
    }

    @Test
    void aSocketTimeoutIsRetriedWhateverItsState() {
        assertThat(classify(new SQLException("I/O error", null, new SocketTimeoutException("Read timed out"))))
                .isEqualTo(TRANSIENT);
    }

    @Test
    void valuesTheTableCannotHoldAreDataErrors() {
        assertThat(classify(new SQLException("index row requires 10336 bytes, maximum size is 8191", "54000")))
                .isEqualTo(DATA);
        assertThat(classify(new SQLException("invalid byte sequence for encoding \"UTF8\": 0x00", "22021")))
                .isEqualTo(DATA);
        assertThat(classify(new SQLException("date/time field value out of range", "22008")))
                .isEqualTo(DATA);
        assertThat(classify(new SQLException("null value violates not-null constraint", "23502")))
                .isEqualTo(DATA);
        assertThat(classify(new SQLException("violates check constraint", "23514")))
                .isEqualTo(DATA);
    }

    @Test
    void configurationErrorsFailTheJob() {
        assertThat(classify(new SQLException("bad password", "28P01"))).isEqualTo(FATAL);
        assertThat(classify(new SQLException("no such table", "42P01"))).isEqualTo(FATAL);
        assertThat(classify(new SQLException("permission denied", "42501"))).isEqualTo(FATAL);
        // 57014 is a cancelled statement (statement_timeout): the same statement would time out again.
        assertThat(classify(new SQLException("canceled", "57014"))).isEqualTo(FATAL);
        assertThat(classify(new SQLException("no state"))).isEqualTo(FATAL);
    }

    @Test
    void aBatchFailureIsJudgedByTheServerErrorItCarries() {
        BatchUpdateException restarting = new BatchUpdateException("batch failed", "08003", new int[0]);
        restarting.setNextException(new SQLException("FATAL: the database system is starting up", "57P03"));
        assertThat(classify(restarting)).isEqualTo(TRANSIENT);

        BatchUpdateException tooLarge = new BatchUpdateException("Batch entry 2 ... was aborted", "22000", new int[0]);
        tooLarge.setNextException(new SQLException("index row requires 10336 bytes", "54000"));
        assertThat(classify(tooLarge)).isEqualTo(DATA);
    }
}
