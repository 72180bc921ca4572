package dev.streamingblocks.sessions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.streamingblocks.core.testutils.CapturedOperatorMetrics;
import dev.streamingblocks.core.window.LateData;
import dev.streamingblocks.sessions.internal.SessionizeFunction;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Drives the session function with explicit watermarks; gap 30 minutes throughout. */
class SessionizeFunctionTest {

    static final Instant BEGINNING = Instant.parse("2026-02-06T12:00:00Z");
    static final Duration GAP = Duration.ofMinutes(30);
    static final Duration MS = Duration.ofMillis(1);
    private static final int MAX_PARALLELISM = 128;

    private KeyedOneInputStreamOperatorTestHarness<String, PageView, SessionChange> harness;
    private CapturedOperatorMetrics metrics;

    @AfterEach
    void closeHarness() throws Exception {
        if (harness != null) {
            harness.close();
        }
        if (metrics != null) {
            metrics.close();
        }
    }

    @Test
    void viewExactlyOneGapAfterThePreviousJoinsItsSession() throws Exception {
        open(Duration.ZERO);
        view("alice", "/a", t(0));
        view("alice", "/b", t(30));
        watermark(t(60).minus(MS).minus(MS));
        assertThat(changes()).isEmpty();

        watermark(t(60).minus(MS));
        assertThat(changes()).containsExactly(insert("alice", 0, 60, 2, "/a", "/b"));
    }

    @Test
    void viewOneMillisecondMoreThanAGapAfterStartsANewSession() throws Exception {
        open(Duration.ZERO);
        view("alice", "/a", t(0));
        view("alice", "/b", t(30).plus(MS));
        watermark(t(61));
        assertThat(changes())
                .containsExactly(
                        SessionChange.insert(new UserSession("alice", t(0), t(30), 1, "/a", "/a")),
                        SessionChange.insert(new UserSession("alice", t(30).plus(MS), t(60).plus(MS), 1, "/b", "/b")));
    }

    @Test
    void outOfOrderViewMergesTwoOpenSessionsBeforeAnythingIsEmitted() throws Exception {
        open(Duration.ZERO);
        view("alice", "/a", t(0));
        view("alice", "/c", t(50));
        view("alice", "/b", t(25));
        watermark(t(90));
        assertThat(changes()).containsExactly(insert("alice", 0, 80, 3, "/a", "/c"));
    }

    @Test
    void usersHaveTheirOwnSessions() throws Exception {
        open(Duration.ZERO);
        view("alice", "/a", t(0));
        view("bob", "/x", t(10));
        view("alice", "/b", t(20));
        watermark(t(100));
        assertThat(changes())
                .containsExactlyInAnyOrder(insert("alice", 0, 50, 2, "/a", "/b"), insert("bob", 10, 40, 1, "/x", "/x"));
    }

    @Test
    void lateViewWithinAllowedLatenessUpdatesTheEmittedSession() throws Exception {
        open(Duration.ofHours(1));
        view("alice", "/a", t(0));
        view("alice", "/b", t(10));
        watermark(t(41));
        assertThat(changes()).containsExactly(insert("alice", 0, 40, 2, "/a", "/b"));

        // Inside the closed session: the row is updated at once.
        view("alice", "/inside", t(5));
        assertThat(changes()).containsExactly(update("alice", 0, 40, 3, "/a", "/b"));

        // Extends the session past the watermark: updated when the longer session closes.
        view("alice", "/extends", t(35));
        assertThat(changes()).isEmpty();
        watermark(t(65).minus(MS));
        assertThat(changes()).containsExactly(update("alice", 0, 65, 4, "/a", "/extends"));
    }

    @Test
    void lateViewBridgingTwoEmittedSessionsDeletesTheLaterOne() throws Exception {
        open(Duration.ofHours(3));
        view("alice", "/a", t(0));
        view("alice", "/c", t(40));
        watermark(t(71));
        assertThat(changes())
                .containsExactly(insert("alice", 0, 30, 1, "/a", "/a"), insert("alice", 40, 70, 1, "/c", "/c"));

        view("alice", "/b", t(20));
        assertThat(changes())
                .containsExactly(delete("alice", 40, 70, 1, "/c", "/c"), update("alice", 0, 70, 3, "/a", "/c"));
    }

    @Test
    void lateViewBeforeAnEmittedSessionMovesItsStart() throws Exception {
        open(Duration.ofHours(1));
        view("alice", "/b", t(10));
        watermark(t(45));
        assertThat(changes()).containsExactly(insert("alice", 10, 40, 1, "/b", "/b"));

        view("alice", "/a", t(0));
        assertThat(changes())
                .containsExactly(delete("alice", 10, 40, 1, "/b", "/b"), insert("alice", 0, 40, 2, "/a", "/b"));
    }

    @Test
    void viewBeyondAllowedLatenessGoesToTheSideOutputAndChangesNothing() throws Exception {
        open(Duration.ofMinutes(10));
        view("alice", "/a", t(0));
        watermark(t(45));
        assertThat(changes()).containsExactly(insert("alice", 0, 30, 1, "/a", "/a"));

        // Own window [5, 35) closed at 35 - 1 ms; plus 10 minutes lateness is 45 - 1 ms <= watermark.
        view("alice", "/too-late", t(5));
        assertThat(changes()).isEmpty();
        assertThat(lateViews()).containsExactly(new PageView("alice", "/too-late", t(5)));
        assertThat(lateRecordsMetric()).isEqualTo(1L);

        // One millisecond later is still within the allowed lateness; [0, 36) has closed, so at once.
        view("alice", "/just-in-time", t(6));
        assertThat(changes()).containsExactly(update("alice", 0, 36, 2, "/a", "/just-in-time"));
        assertThat(lateViews()).isEmpty();
        assertThat(lateRecordsMetric()).isEqualTo(1L);
    }

    @Test
    void stateAndTimersGoBackToZeroAfterSessionsClose() throws Exception {
        open(Duration.ofMinutes(10));
        view("alice", "/a", t(0));
        view("alice", "/b", t(50));
        view("bob", "/x", t(0));
        assertThat(harness.numEventTimeTimers()).isEqualTo(6);

        watermark(t(30));
        assertThat(changes()).hasSize(2);
        // Forgotten at end - 1 ms + gap + lateness = 70 - 1 ms for the sessions that end at 30.
        watermark(t(70).minus(MS).minus(MS));
        assertThat(harness.numKeyedStateEntries()).isEqualTo(2);
        watermark(t(70).minus(MS));
        assertThat(harness.numKeyedStateEntries()).isEqualTo(1);

        watermark(t(200));
        assertThat(changes()).containsExactly(insert("alice", 50, 80, 1, "/b", "/b"));
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void mergedAwaySessionsLeaveNoTimersBehind() throws Exception {
        open(Duration.ZERO);
        view("alice", "/a", t(0));
        view("alice", "/c", t(50));
        assertThat(harness.numEventTimeTimers()).isEqualTo(4);
        view("alice", "/b", t(25));
        assertThat(harness.numEventTimeTimers()).isEqualTo(2);
    }

    @Test
    void sessionsAndTimersSurviveASnapshotAndRestore() throws Exception {
        open(Duration.ofHours(3));
        view("alice", "/a", t(0));
        view("alice", "/c", t(40));
        watermark(t(71));
        assertThat(changes()).hasSize(2);
        view("bob", "/x", t(60));
        OperatorSubtaskState snapshot = harness.snapshot(1L, 1L);
        harness.close();

        create(Duration.ofHours(3));
        harness.initializeState(snapshot);
        harness.open();
        // Cleanup timers of alice's two emitted sessions, emission and cleanup timers of bob's open one.
        assertThat(harness.numEventTimeTimers()).isEqualTo(4);
        // The restored state still knows both of alice's sessions were emitted, and the restored
        // watermark (71) that the merged session has closed: it is emitted at once.
        view("alice", "/b", t(20));
        assertThat(changes())
                .containsExactly(delete("alice", 40, 70, 1, "/c", "/c"), update("alice", 0, 70, 3, "/a", "/c"));
        watermark(t(90));
        assertThat(changes()).containsExactly(insert("bob", 60, 90, 1, "/x", "/x"));
    }

    @Test
    void aViewLateBeforeTheRestoreIsLateAfterItAndDoesNotRecreateAForgottenSession() throws Exception {
        open(Duration.ZERO);
        view("alice", "/a", t(0));
        watermark(t(100)); // emitted at 30 - 1 ms, forgotten at 60 - 1 ms
        assertThat(changes()).containsExactly(insert("alice", 0, 30, 1, "/a", "/a"));
        assertThat(harness.numKeyedStateEntries()).isZero();
        OperatorSubtaskState snapshot = harness.snapshot(1L, 1L);
        harness.close();

        create(Duration.ZERO);
        harness.initializeState(snapshot);
        harness.open();
        view("alice", "/again", t(10)); // its own window [10, 40) closed long before the watermark
        assertThat(lateViews()).containsExactly(new PageView("alice", "/again", t(10)));
        assertThat(lateRecordsMetric()).isEqualTo(1L);

        watermark(t(200));
        assertThat(changes()).isEmpty();
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void aWatermarkThatNoViewOrTimerSawIsStillKeptAcrossARestore() throws Exception {
        open(Duration.ZERO);
        view("alice", "/a", t(0));
        watermark(t(100)); // the last timers fire here
        watermark(t(200)); // no view, no timer
        assertThat(changes()).hasSize(1);
        OperatorSubtaskState snapshot = harness.snapshot(1L, 1L);
        harness.close();

        create(Duration.ZERO);
        harness.initializeState(snapshot);
        harness.open();
        view("bob", "/late", t(170)); // own window [170, 200) closed at 200 - 1 ms
        assertThat(lateViews()).containsExactly(new PageView("bob", "/late", t(170)));
        assertThat(harness.numKeyedStateEntries()).isZero();
    }

    @Test
    void aSnapshotFromBeforeTheWatermarkWasKeptStillRestoresAndJudgesLatenessAsBefore() throws Exception {
        open(Duration.ofHours(3));
        view("alice", "/a", t(0));
        watermark(t(31));
        assertThat(changes()).containsExactly(insert("alice", 0, 30, 1, "/a", "/a"));
        OperatorSubtaskState snapshot = harness.snapshot(1L, 1L);
        harness.close();
        // Until now the function had no operator state: a savepoint of that version has none.
        OperatorSubtaskState withoutOperatorState = OperatorSubtaskState.builder()
                .setManagedKeyedState(snapshot.getManagedKeyedState())
                .setRawKeyedState(snapshot.getRawKeyedState())
                .build();

        create(Duration.ofHours(3));
        harness.initializeState(withoutOperatorState);
        harness.open();
        assertThat(harness.numEventTimeTimers()).isEqualTo(1); // the session's cleanup timer
        view("alice", "/b", t(10)); // no watermark known yet: the update waits for the next one
        assertThat(changes()).isEmpty();
        watermark(t(41));
        assertThat(changes()).containsExactly(update("alice", 0, 40, 2, "/a", "/b"));
    }

    @ParameterizedTest(name = "parallelism 2 to {0}")
    @ValueSource(ints = {1, 3})
    void aRescaledRestoreJudgesLatenessAgainstTheLowestWatermarkOfTheOldSubtasks(int newParallelism) throws Exception {
        OperatorSubtaskState[] snapshots = new OperatorSubtaskState[2];
        Instant[] watermarks = {t(100), t(90)}; // can differ with unaligned checkpoints
        for (int subtask = 0; subtask < 2; subtask++) {
            create(Duration.ZERO, 2, subtask);
            harness.open();
            view(userOf(subtask, 2), "/a", t(0));
            watermark(watermarks[subtask]);
            snapshots[subtask] = harness.snapshot(1L, 1L);
            harness.close();
        }
        OperatorSubtaskState packed = AbstractStreamOperatorTestHarness.repackageState(snapshots);

        for (int subtask = 0; subtask < newParallelism; subtask++) {
            create(Duration.ZERO, newParallelism, subtask);
            harness.initializeState(AbstractStreamOperatorTestHarness.repartitionOperatorState(
                    packed, MAX_PARALLELISM, 2, newParallelism, subtask));
            harness.open();
            String user = userOf(subtask, newParallelism);
            view(user, "/late", t(60).plus(MS)); // window [60.001, 90.001) closed at 90, the lowest watermark
            view(user, "/on-time", t(60).plus(MS).plus(MS)); // late only for the highest watermark

            assertThat(lateViews()).containsExactly(new PageView(user, "/late", t(60).plus(MS)));
            assertThat(lateRecordsMetric()).isEqualTo(1L);
            assertThat(changes()).isEmpty(); // [60.002, 90.002) has not closed at the lowest watermark
            assertThat(harness.numEventTimeTimers()).isEqualTo(2);
            harness.close();
            harness = null;
        }
    }

    @Test
    void firstAndLastPageAreDeterministicOnEqualTimes() throws Exception {
        open(Duration.ZERO);
        view("alice", "/m", t(0));
        view("alice", "/z", t(0));
        view("alice", "/a", t(0));
        view("alice", "/b", t(10));
        view("alice", "/y", t(10));
        view("alice", "/c", t(10));
        watermark(t(100));
        assertThat(changes()).containsExactly(insert("alice", 0, 40, 6, "/a", "/y"));
    }

    @Test
    void viewWithoutTimeFailsNamingTheField() throws Exception {
        open(Duration.ZERO);
        assertThatThrownBy(() -> harness.processElement(new StreamRecord<>(new PageView("alice", "/a", null), 0L)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("PageView.viewTime must not be null (user alice)");
    }

    private void open(Duration allowedLateness) throws Exception {
        create(allowedLateness);
        harness.open();
    }

    private void create(Duration allowedLateness) throws Exception {
        create(allowedLateness, 1, 0);
    }

    private void create(Duration allowedLateness, int parallelism, int subtask) throws Exception {
        Sessionizer sessionizer = Sessionizer.builder()
                .setGap(GAP)
                .setAllowedLateness(allowedLateness)
                .build();
        SessionizeFunction function = new SessionizeFunction(
                sessionizer.gap().toMillis(), sessionizer.allowedLateness().toMillis());
        if (metrics != null) {
            metrics.close();
        }
        metrics = new CapturedOperatorMetrics();
        harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(function),
                new Sessionizer.UserIdSelector(),
                Types.STRING,
                metrics.environment(MAX_PARALLELISM, parallelism, subtask));
        harness.setup();
    }

    /** The operator's {@value LateData#LATE_RECORDS_METRIC} counter, as a user's dashboard reads it. */
    private long lateRecordsMetric() {
        return metrics.counter(LateData.LATE_RECORDS_METRIC);
    }

    /** A user whose key group belongs to the given subtask. */
    private static String userOf(int subtask, int parallelism) {
        for (int i = 0; ; i++) {
            String user = "user-" + i;
            if (KeyGroupRangeAssignment.assignKeyToParallelOperator(user, MAX_PARALLELISM, parallelism) == subtask) {
                return user;
            }
        }
    }

    private void view(String user, String page, Instant time) throws Exception {
        harness.processElement(new StreamRecord<>(new PageView(user, page, time), time.toEpochMilli()));
    }

    private void watermark(Instant time) throws Exception {
        harness.processWatermark(time.toEpochMilli());
    }

    /** The changes emitted since the last call. */
    private List<SessionChange> changes() {
        List<SessionChange> changes = harness.extractOutputValues();
        harness.getOutput().clear();
        return changes;
    }

    private List<PageView> lateViews() {
        var queue = harness.getSideOutput(Sessionizer.LATE_VIEWS);
        if (queue == null) {
            return List.of();
        }
        List<PageView> views = queue.stream().map(StreamRecord::getValue).collect(Collectors.toList());
        queue.clear();
        return views;
    }

    static Instant t(int minutes) {
        return BEGINNING.plus(Duration.ofMinutes(minutes));
    }

    static SessionChange insert(String user, int start, int end, long count, String first, String last) {
        return SessionChange.insert(new UserSession(user, t(start), t(end), count, first, last));
    }

    static SessionChange update(String user, int start, int end, long count, String first, String last) {
        return SessionChange.update(new UserSession(user, t(start), t(end), count, first, last));
    }

    static SessionChange delete(String user, int start, int end, long count, String first, String last) {
        return SessionChange.delete(new UserSession(user, t(start), t(end), count, first, last));
    }
}
