package dev.streamingblocks.fraud.internal;

import java.util.Arrays;

/**
 * One rule's progress for one user. A Flink POJO (public fields, no-arg constructor, a primitive
 * array) so it is serialized without Kryo.
 */
public class RuleProgress {

    /** Tumbling: the open window. */
    public long windowStart;

    public long windowEnd;

    /** Tumbling: large transactions in the open window. */
    public int count;

    /** Sliding: the large transactions still inside the span, ascending. */
    public long[] spanTimestamps = new long[0];

    /** Sliding: an alert was raised and the burst has not ended yet. */
    public boolean alerted;

    public RuleProgress() {}

    @Override
    public String toString() {
        return "RuleProgress{windowStart=" + windowStart + ", windowEnd=" + windowEnd + ", count=" + count
                + ", spanTimestamps=" + Arrays.toString(spanTimestamps) + ", alerted=" + alerted + '}';
    }
}
