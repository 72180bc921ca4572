package dev.streamingblocks.examples.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ServerSentEventsTest {

    @Test
    void anEventIsItsNameOneDataLineAndABlankLine() {
        assertThat(ServerSentEvents.event("alert", "{\"userId\":\"u1\"}"))
                .isEqualTo("event: alert\ndata: {\"userId\":\"u1\"}\n\n");
    }

    @Test
    void everyLineOfTheDataGetsItsOwnDataFieldSoNoNewlineEndsTheEventEarly() {
        assertThat(ServerSentEvents.event("x", "a\nb\r\nc\rd\n"))
                .isEqualTo("event: x\ndata: a\ndata: b\ndata: c\ndata: d\ndata: \n\n");
    }

    @Test
    void emptyDataIsOneEmptyDataLine() {
        assertThat(ServerSentEvents.event("reset", "")).isEqualTo("event: reset\ndata: \n\n");
    }

    @Test
    void anEventNameThatWouldBreakTheFrameIsRefused() {
        assertThatThrownBy(() -> ServerSentEvents.event("a\nevent: b", "{}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("An event name must be one non-empty line without ':', was 'a\\nevent: b'");
        assertThatThrownBy(() -> ServerSentEvents.event("", "{}"))
                .hasMessage("An event name must be one non-empty line without ':', was ''");
    }

    @Test
    void retryAndCommentFrames() {
        assertThat(ServerSentEvents.retry(Duration.ofMillis(1500))).isEqualTo("retry: 1500\n\n");
        assertThat(ServerSentEvents.comment("keep\nalive")).isEqualTo(": keep alive\n\n");
        assertThatThrownBy(() -> ServerSentEvents.retry(Duration.ofMillis(-1)))
                .hasMessage("retry delay must not be negative, was PT-0.001S");
    }
}
