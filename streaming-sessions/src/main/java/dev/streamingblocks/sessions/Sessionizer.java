package dev.streamingblocks.sessions;

import dev.streamingblocks.core.time.EventTimeGuard;
import dev.streamingblocks.core.time.EventTimeWatermarkStrategy;
import dev.streamingblocks.sessions.internal.SessionizeFunction;
import java.time.Duration;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.util.OutputTag;

/**
 * Event-time session windows over page views, per user, emitted as a changelog of
 * {@link UserSession}s that stays exact when late views extend or merge sessions already emitted.
 *
 * <pre>{@code
 * Sessionizer sessionizer = Sessionizer.builder()
 *         .setGap(Duration.ofMinutes(30))
 *         .setMaxOutOfOrderness(Duration.ofSeconds(10))
 *         .setAllowedLateness(Duration.ofHours(1))
 *         .build();
 * DataStream<PageView> views = env.fromSource(kafkaSource, sessionizer.watermarkStrategy(), "page views");
 * Sessionizer.Result result = sessionizer.apply(views);
 * result.changes().sinkTo(PostgresSessionSink.builder()...build());
 * result.lateViews().print();
 * }</pre>
 *
 * <p>Nothing is required; the defaults are the article's: gap 30 minutes, out-of-orderness 10
 * seconds, no allowed lateness.
 *
 * <h2>Semantics</h2>
 * <ul>
 *   <li><b>Session.</b> Each view opens the window {@code [t, t + gap)}; windows of one user that
 *       overlap <em>or touch</em> merge, as in Flink's session windows and Flink SQL's
 *       {@code SESSION} window. So a view exactly one gap after the previous one joins its session.
 *       The session runs from its first view to its last view plus the gap.</li>
 *   <li><b>Emission.</b> A session is emitted as {@link ChangeKind#INSERT} once the watermark
 *       reaches {@code end - 1 ms}, the moment Flink's window would fire.</li>
 *   <li><b>Late views.</b> A view at {@code t} is late, and goes to {@link #LATE_VIEWS}, when the
 *       watermark has reached {@code t + gap - 1 ms + allowedLateness}: its own window closed more
 *       than the allowed lateness ago. Unlike Flink's window operator, this does not depend on
 *       which sessions are still open, so a view can never join a session that was already
 *       forgotten, and the result does not depend on when state was cleaned. Each late view
 *       also counts in the operator's {@code numLateRecords} metric, as in the core window blocks.</li>
 *   <li><b>Changes after emission.</b> A view that is not late and lands in or next to emitted
 *       sessions merges with them. An emitted session whose start is not the merged start is
 *       emitted as {@link ChangeKind#DELETE}; the merged session is emitted as
 *       {@link ChangeKind#UPDATE} if its start was already emitted, else as
 *       {@link ChangeKind#INSERT}, right away if it has closed, else when it closes.</li>
 *   <li><b>State.</b> Per open session a constant-size accumulator (count, first and last view),
 *       never a buffer of views. A session is forgotten when the watermark reaches
 *       {@code end - 1 ms + gap + allowedLateness}; after that no view can touch it without being
 *       late. With every session forgotten the operator holds no state and no timers.</li>
 * </ul>
 * Applying the changelog in order as upserts and deletes keyed by {@code (userId, sessionStart)}
 * leaves exactly the sessions that the accepted views define.
 */
public final class Sessionizer {

    public static final Duration DEFAULT_GAP = Duration.ofMinutes(30);
    public static final Duration DEFAULT_MAX_OUT_OF_ORDERNESS = Duration.ofSeconds(10);
    public static final Duration DEFAULT_ALLOWED_LATENESS = Duration.ZERO;

    /** Operator uid; never change it once released, savepoints find the session state by it. */
    public static final String UID = "user-sessions";

    public static final String NAME = "User sessions";

    /** Views that arrived after the allowed lateness; they change no session. */
    public static final OutputTag<PageView> LATE_VIEWS =
            new OutputTag<>("late-page-views", TypeInformation.of(PageView.class));

    private final Duration gap;
    private final Duration maxOutOfOrderness;
    private final Duration allowedLateness;

    private Sessionizer(Builder builder) {
        this.gap = builder.gap;
        this.maxOutOfOrderness = builder.maxOutOfOrderness;
        this.allowedLateness = builder.allowedLateness;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Duration gap() {
        return gap;
    }

    public Duration maxOutOfOrderness() {
        return maxOutOfOrderness;
    }

    public Duration allowedLateness() {
        return allowedLateness;
    }

    /**
     * Timestamps from {@link PageView#viewTime()}, watermarks trailing by the max out-of-orderness;
     * idleness is the source's setting ({@code TypedKafkaSource} defaults it). Use it in the source
     * ({@code env.fromSource(...)}, {@code TypedKafkaSource.setWatermarkStrategy}) so Flink tracks
     * watermarks per Kafka partition. A view without a time gives an
     * {@code InvalidEventTimeException} (a dead letter in {@code TypedKafkaSource} under
     * {@code DEAD_LETTER}, else a failed job). With the {@link EventTimeGuard#defaults() default
     * guard}: a view more than {@link EventTimeGuard#DEFAULT_MAX_AHEAD_OF_WALL_CLOCK} ahead of the
     * wall clock never moves the watermark (and is a dead letter in {@code TypedKafkaSource}).
     */
    public EventTimeWatermarkStrategy<PageView> watermarkStrategy() {
        return watermarkStrategy(EventTimeGuard.defaults());
    }

    /** As {@link #watermarkStrategy()}, with another guard. */
    public EventTimeWatermarkStrategy<PageView> watermarkStrategy(EventTimeGuard guard) {
        return EventTimeWatermarkStrategy.<PageView>builder()
                .setEventTimeExtractor(PageView::viewTime)
                .setMaxOutOfOrderness(maxOutOfOrderness)
                .setGuard(guard)
                .build();
    }

    /** Sessionizes views that already carry timestamps and watermarks (see {@link #watermarkStrategy()}). */
    public Result apply(DataStream<PageView> views) {
        SingleOutputStreamOperator<SessionChange> changes = views.keyBy(new UserIdSelector())
                .process(new SessionizeFunction(gap.toMillis(), allowedLateness.toMillis()))
                .returns(TypeInformation.of(SessionChange.class))
                .uid(UID)
                .name(NAME);
        return new Result(changes);
    }

    /** The user id, checked, as the key. */
    public static final class UserIdSelector implements KeySelector<PageView, String> {
        private static final long serialVersionUID = 1L;

        @Override
        public String getKey(PageView view) {
            if (view.userId() == null) {
                throw new IllegalArgumentException(
                        "PageView.userId must not be null (page " + view.pageUrl() + " at " + view.viewTime() + ")");
            }
            return view.userId();
        }
    }

    /** The changelog and the late views. */
    public static final class Result {
        private final SingleOutputStreamOperator<SessionChange> changes;

        private Result(SingleOutputStreamOperator<SessionChange> changes) {
            this.changes = changes;
        }

        public SingleOutputStreamOperator<SessionChange> changes() {
            return changes;
        }

        public DataStream<PageView> lateViews() {
            return changes.getSideOutput(LATE_VIEWS);
        }
    }

    /** Settings for a {@link Sessionizer}; see the class Javadoc for defaults. */
    public static final class Builder {
        private Duration gap;
        private Duration maxOutOfOrderness;
        private Duration allowedLateness;

        private Builder() {
            this.gap = DEFAULT_GAP;
            this.maxOutOfOrderness = DEFAULT_MAX_OUT_OF_ORDERNESS;
            this.allowedLateness = DEFAULT_ALLOWED_LATENESS;
        }

        /** Inactivity that ends a session; positive, whole milliseconds. */
        public Builder setGap(Duration gap) {
            this.gap = gap;
            return this;
        }

        /** How far the watermark trails the largest view time seen; zero or more. */
        public Builder setMaxOutOfOrderness(Duration maxOutOfOrderness) {
            this.maxOutOfOrderness = maxOutOfOrderness;
            return this;
        }

        /** How long after a view's window closed the view still changes sessions; zero or more. */
        public Builder setAllowedLateness(Duration allowedLateness) {
            this.allowedLateness = allowedLateness;
            return this;
        }

        public Sessionizer build() {
            requireMillis("gap", gap);
            if (gap.toMillis() <= 0) {
                throw new IllegalArgumentException("gap must be at least 1 ms, but was " + gap);
            }
            requireMillis("maxOutOfOrderness", maxOutOfOrderness);
            if (maxOutOfOrderness.isNegative()) {
                throw new IllegalArgumentException(
                        "maxOutOfOrderness must not be negative, but was " + maxOutOfOrderness);
            }
            requireMillis("allowedLateness", allowedLateness);
            if (allowedLateness.isNegative()) {
                throw new IllegalArgumentException("allowedLateness must not be negative, but was " + allowedLateness);
            }
            return new Sessionizer(this);
        }

        private static void requireMillis(String property, Duration value) {
            if (value == null) {
                throw new IllegalArgumentException(property + " must not be null");
            }
            if (value.getNano() % 1_000_000 != 0) {
                throw new IllegalArgumentException(property + " must be whole milliseconds, but was " + value);
            }
        }
    }
}
