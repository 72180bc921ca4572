package dev.streamingblocks.sessions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.streamingblocks.sessions.internal.SessionAccumulator;
import java.time.Duration;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.EnumTypeInfo;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.junit.jupiter.api.Test;

class SessionizerBuilderTest {

    @Test
    void defaultsAreTheArticles() {
        Sessionizer sessionizer = Sessionizer.builder().build();
        assertThat(sessionizer.gap()).isEqualTo(Duration.ofMinutes(30));
        assertThat(sessionizer.maxOutOfOrderness()).isEqualTo(Duration.ofSeconds(10));
        assertThat(sessionizer.allowedLateness()).isEqualTo(Duration.ZERO);
    }

    @Test
    void rejectsZeroGap() {
        assertThatThrownBy(() -> Sessionizer.builder().setGap(Duration.ZERO).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("gap must be at least 1 ms, but was PT0S");
    }

    @Test
    void rejectsMissingGap() {
        assertThatThrownBy(() -> Sessionizer.builder().setGap(null).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("gap must not be null");
    }

    @Test
    void rejectsSubMillisecondGap() {
        assertThatThrownBy(() -> Sessionizer.builder()
                        .setGap(Duration.ofNanos(1_500_000))
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("gap must be whole milliseconds, but was PT0.0015S");
    }

    @Test
    void rejectsNegativeOutOfOrderness() {
        assertThatThrownBy(() -> Sessionizer.builder()
                        .setMaxOutOfOrderness(Duration.ofSeconds(-1))
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxOutOfOrderness must not be negative, but was PT-1S");
    }

    @Test
    void rejectsNegativeAllowedLateness() {
        assertThatThrownBy(() -> Sessionizer.builder()
                        .setAllowedLateness(Duration.ofMinutes(-5))
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("allowedLateness must not be negative, but was PT-5M");
    }

    @Test
    void rejectsMissingUserId() {
        assertThatThrownBy(() ->
                        new Sessionizer.UserIdSelector().getKey(new PageView(null, "/a", SessionizeFunctionTest.t(0))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("PageView.userId must not be null (page /a at 2026-02-06T12:00:00Z)");
    }

    /** Tests and jobs run with generic types disabled: nothing here may fall back to Kryo. */
    @Test
    void typesAreSerialisedWithoutKryo() {
        assertThat(TypeInformation.of(PageView.class)).isInstanceOf(PojoTypeInfo.class);
        assertThat(TypeInformation.of(UserSession.class)).isInstanceOf(PojoTypeInfo.class);
        PojoTypeInfo<SessionChange> change = (PojoTypeInfo<SessionChange>) TypeInformation.of(SessionChange.class);
        assertThat(change.getTypeAt("kind")).isInstanceOf(EnumTypeInfo.class);
        assertThat(change.getTypeAt("session")).isInstanceOf(PojoTypeInfo.class);
        assertThat(TypeInformation.of(SessionAccumulator.class)).isInstanceOf(PojoTypeInfo.class);
    }
}
