package dev.streamingblocks.benchmarks.latency;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamingblocks.benchmarks.harness.Args;
import dev.streamingblocks.benchmarks.sessions.SessionsBenchmark;
import dev.streamingblocks.fraud.FraudDetection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the fraud latency and sessions harnesses tiny on one embedded stack: their outputs must be
 * exact and their tables and charts produced. It asserts no speed: figures come only from the
 * benchmark commands (docs/benchmarks.md).
 */
class WholePipelineBenchmarksITCase {

    private static PipelineStack stack;

    @BeforeAll
    static void startStack() throws Exception {
        stack = PipelineStack.start(2);
    }

    @AfterAll
    static void stopStack() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void fraudLatencyRunGetsEveryAlertExactlyAndTimesTheMeasuredBursts(@TempDir Path out) throws Exception {
        // 100 transactions/s, a burst every 10th slot: bursts start at slots 0, 10, ..., 290 (30 in 3 s),
        // those of slots 100..290 (20) start after the 1 s warm-up and are timed; evaluated on arrival with
        // the library's 5 s bound
        FraudLatencyRun.Settings settings = new FraudLatencyRun.Settings(
                100,
                Duration.ofSeconds(1),
                Duration.ofSeconds(2),
                2,
                DeliveryGuarantee.EXACTLY_ONCE,
                null,
                Duration.ofSeconds(1),
                Duration.ofMillis(200),
                null,
                10,
                50,
                FraudDetection.Evaluation.ON_ARRIVAL);

        FraudLatencyRun.Result result = FraudLatencyRun.run(stack, settings);

        assertThat(result.problem()).isNull();
        assertThat(result.receivedAlerts()).isEqualTo(result.expectedAlerts());
        // one sliding alert per burst, a tumbling one unless the burst crosses a minute boundary
        assertThat(result.expectedAlerts()).isBetween(59, 60);
        assertThat(result.sliding().count()).isEqualTo(20);
        // 3 s of warm-up and measuring, then the tail: the bound plus 2 s
        assertThat(result.produced()).isEqualTo(300 + 700);
        String markdown =
                FraudLatencyBenchmark.markdown(List.of(result), List.of(result), settings.checkpointInterval());
        assertThat(markdown)
                .contains("| sink | evaluated | watermark bound | watermark interval |")
                .contains("| exactly-once | on arrival | 5000 ms (default) | 200 ms | 100 (")
                .contains("| yes (" + result.expectedAlerts() + ") | ≤ 1250 ms |")
                .contains(
                        "Step search (at-least-once, evaluated on arrival, watermark bound 5000 ms, watermark every 200 ms");
        FraudLatencyBenchmark.charts(out, List.of(result), List.of(result));
        assertThat(out.resolve("fraud-latency.png")).isNotEmptyFile();
        assertThat(out.resolve("fraud-latency-steps.png")).isNotEmptyFile();
    }

    @Test
    void sessionsHarnessFindsTheSameExactSessionsInBothEngines(@TempDir Path out) throws Exception {
        SessionsBenchmark.Report report = SessionsBenchmark.run(
                stack,
                Args.parse(
                        "SessionsBenchmark",
                        new String[] {
                            "--users", "40", "--views-per-session", "3", "--repeats", "1", "--out", out.toString()
                        },
                        SessionsBenchmark.OPTIONS));

        assertThat(report.throughput()).hasSize(2).allSatisfy(run -> {
            assertThat(run.problem()).isNull();
            assertThat(run.views()).isEqualTo(240);
            assertThat(run.sessions()).isEqualTo(80); // two sessions per user, each emitted once
        });
        assertThat(report.state()).hasSize(2).allSatisfy(state -> {
            assertThat(state.openSessions()).isEqualTo(40);
            assertThat(state.checkpointBytes()).isPositive();
        });
        assertThat(report.markdown())
                .contains("40 users, 240 views (two sessions of 3 views each per user), parallelism 2")
                .contains("| library Sessionizer |")
                .contains("| Flink SQL SESSION |")
                .contains("| yes (80 results) |")
                .contains("library / SQL throughput (best runs): ");
        assertThat(Files.size(out.resolve("sessions-throughput.png"))).isPositive();
        assertThat(Files.size(out.resolve("sessions-state.png"))).isPositive();
    }
}
