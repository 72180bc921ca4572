package dev.streamingblocks.examples.dashboard;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DashboardBuilderTest {

    private static Dashboard.Builder valid() {
        return Dashboard.builder().setBootstrapServers("localhost:9092");
    }

    @Test
    void everyInvalidSettingIsNamed() {
        assertThatThrownBy(() -> Dashboard.builder().build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("bootstrapServers must be set");
        assertThatThrownBy(() -> valid().setAlertsTopic("order-stats").build())
                .hasMessage("orderStatsTopic and alertsTopic must be set and differ, were 'order-stats' and"
                        + " 'order-stats'");
        assertThatThrownBy(() -> valid().setPort(70_000).build())
                .hasMessage("port must be 0 (a free one) to 65535, was 70000");
        assertThatThrownBy(() -> valid().setRefreshInterval(Duration.ZERO).build())
                .hasMessage("refreshInterval must be positive, was PT0S");
        assertThatThrownBy(() -> valid().setSessionsDatabase(
                                "jdbc:postgresql://db/x", "u", "p", "user_sessions; DROP TABLE x")
                        .build())
                .hasMessage("sessions table must be a plain SQL name, was 'user_sessions; DROP TABLE x'");
    }
}
