package dev.streamingblocks.benchmarks.harness;

import java.time.Duration;
import java.util.Objects;

/**
 * One variant's outcome at one parallelism. Only an {@link Status#OK} result has a time: a
 * variant whose output was wrong, or that failed, is reported with what went wrong and is never
 * ranked.
 *
 * @param variant the variant's name as the table shows it
 * @param parallelism the parallelism it ran at (threads, subtasks); 1 for single-threaded floors
 * @param records input records processed
 * @param elapsed start to output flushed and verified complete; {@code null} unless OK
 * @param status OK, WRONG (output checked and not exact) or FAILED (did not finish)
 * @param detail why it is WRONG or FAILED, or a note on an OK run (may be empty)
 */
public record Result(String variant, int parallelism, long records, Duration elapsed, Status status, String detail) {

    public enum Status {
        OK,
        WRONG,
        FAILED
    }

    public Result {
        Objects.requireNonNull(variant, "variant");
        Objects.requireNonNull(status, "status");
        detail = detail == null ? "" : detail;
        if (status == Status.OK && (elapsed == null || elapsed.isNegative() || elapsed.isZero())) {
            throw new IllegalArgumentException("an OK result needs a positive elapsed time, was " + elapsed);
        }
        if (status != Status.OK) {
            elapsed = null;
        }
    }

    public static Result ok(String variant, int parallelism, long records, Duration elapsed, String note) {
        return new Result(variant, parallelism, records, elapsed, Status.OK, note);
    }

    public static Result wrong(String variant, int parallelism, long records, String what) {
        return new Result(variant, parallelism, records, null, Status.WRONG, what);
    }

    public static Result failed(String variant, int parallelism, long records, String why) {
        return new Result(variant, parallelism, records, null, Status.FAILED, why);
    }

    public boolean isOk() {
        return status == Status.OK;
    }

    /** Input records per second of wall time; NaN unless OK. */
    public double recordsPerSecond() {
        return isOk() ? records * 1_000_000_000.0 / elapsed.toNanos() : Double.NaN;
    }
}
