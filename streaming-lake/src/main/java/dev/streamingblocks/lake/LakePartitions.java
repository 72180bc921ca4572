package dev.streamingblocks.lake;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The lake's layout: one directory per UTC hour of event time, {@code dt=YYYY-MM-DD/hour=HH}, in the
 * Hive style that DuckDB, Spark and Trino read as the columns {@code dt} and {@code hour}.
 *
 * <p>UTC only: an hour of a zone with daylight saving time can occur twice, and one directory would
 * then hold two hours.
 */
public final class LakePartitions {

    /** Every partition spans this much event time. */
    public static final Duration PARTITION_LENGTH = Duration.ofHours(1);

    /** The empty file written into a partition once it is closed and all its files are in place. */
    public static final String SUCCESS_MARKER = "_SUCCESS";

    /** The suffix of every data file a reader should read; nothing else in the lake ends with it. */
    public static final String DATA_FILE_SUFFIX = ".parquet";

    /** The prefix of the visible data files. */
    public static final String DATA_FILE_PREFIX = "part";

    private static final DateTimeFormatter FORMAT =
            DateTimeFormatter.ofPattern("'dt='yyyy-MM-dd'/hour='HH").withZone(ZoneOffset.UTC);
    private static final Pattern PARTITION = Pattern.compile("dt=(\\d{4}-\\d{2}-\\d{2})/hour=(\\d{2})");

    private LakePartitions() {}

    /** The partition (relative directory) holding records of this event time. */
    public static String partitionOf(Instant eventTime) {
        return FORMAT.format(eventTime);
    }

    /** The first instant of the partition. */
    public static Instant startOf(String partition) {
        Matcher m = PARTITION.matcher(partition);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + partition + "' is not a partition like dt=2026-02-06/hour=12");
        }
        return Instant.parse(m.group(1) + "T" + m.group(2) + ":00:00Z");
    }

    /** The first instant after the partition. */
    public static Instant endOf(String partition) {
        return startOf(partition).plus(PARTITION_LENGTH);
    }

    /**
     * The watermark from which the partition is closed: no record of it can still arrive within the
     * allowed lateness, so its files are final and its {@value #SUCCESS_MARKER} marker can be written.
     * A watermark {@code w} says no record at or before {@code w} follows, so a partition ending at
     * {@code end} is complete at {@code end - 1 ms}, and closed {@code allowedLateness} later.
     */
    public static long closingWatermark(String partition, Duration allowedLateness) {
        return endOf(partition).toEpochMilli() - 1 + allowedLateness.toMillis();
    }

    /** As {@link #closingWatermark(String, Duration)} for the partition of {@code eventTime}. */
    public static long closingWatermark(Instant eventTime, Duration allowedLateness) {
        Instant end = eventTime.truncatedTo(ChronoUnit.HOURS).plus(PARTITION_LENGTH);
        return end.toEpochMilli() - 1 + allowedLateness.toMillis();
    }
}
