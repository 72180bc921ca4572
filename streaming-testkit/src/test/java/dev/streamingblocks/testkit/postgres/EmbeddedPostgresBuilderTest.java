package dev.streamingblocks.testkit.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class EmbeddedPostgresBuilderTest {

    @Test
    void rejectsDatabaseThatIsNoIdentifier() {
        assertThatThrownBy(() ->
                        EmbeddedPostgres.builder().setDatabase("drop table; --").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("database must be a lower-case SQL identifier ([a-z_][a-z0-9_]*, at most 63 characters),"
                        + " but was 'drop table; --'");
    }

    @Test
    void rejectsMissingUser() {
        assertThatThrownBy(() -> EmbeddedPostgres.builder().setUser(null).build())
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("user must not be null");
    }

    @Test
    void rejectsMissingDatabase() {
        assertThatThrownBy(() -> EmbeddedPostgres.builder().setDatabase(null).build())
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("database must not be null");
    }

    @Test
    void rejectsTheSuperuser() {
        assertThatThrownBy(() -> EmbeddedPostgres.builder().setUser("postgres").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("user must not be 'postgres': it logs in without a password");
    }

    @Test
    void rejectsEmptyPassword() {
        assertThatThrownBy(() -> EmbeddedPostgres.builder().setPassword("").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("password must not be empty");
    }

    @Test
    void rejectsPortOutOfRange() {
        assertThatThrownBy(() -> EmbeddedPostgres.builder().setPort(70000).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("port must be between 0 and 65535, but was 70000");
    }

    @Test
    void toStringHidesThePassword() {
        EmbeddedPostgres postgres =
                EmbeddedPostgres.builder().setPassword("s3cr3t-pw").build();
        assertThat(postgres.toString())
                .isEqualTo(
                        "EmbeddedPostgres{database=analytics, user=analytics, port=-, dataDirectory=temporary, state=NEW}")
                .doesNotContain("s3cr3t-pw");
    }

    @Test
    void portOfAServerThatIsNotRunningFails() {
        assertThatThrownBy(() -> EmbeddedPostgres.builder().build().jdbcUrl())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("EmbeddedPostgres is not running; it is NEW");
    }
}
