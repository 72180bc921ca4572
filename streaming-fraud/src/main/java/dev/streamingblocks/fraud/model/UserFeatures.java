package dev.streamingblocks.fraud.model;

import java.util.Arrays;

/**
 * One user's {@link TransactionFeatures}, updated incrementally as the user's transactions arrive in
 * event-time order. The detector keeps one per user in keyed state (a Flink POJO, so it restores
 * exactly, without Kryo) and trainers drive the same class over generated data, so a model sees in
 * production the vectors it was trained on.
 *
 * <p>It holds the timestamps and amounts of the last {@link TransactionFeatures#HOUR} (bounded by
 * the user's transactions in an hour), running sums for the minute and the hour that each new
 * transaction adjusts by what left the windows, and the count and sum behind the running mean.
 * When a window empties its sum is reset to exactly zero, so rounding of the subtractions cannot
 * carry over from one burst of activity to the next. A user quiet for an hour has nothing left in
 * the windows: {@link #expiresAt()} is when the detector drops the whole state, the running mean with it.
 */
public class UserFeatures {

    private static final long MINUTE = TransactionFeatures.MINUTE.toMillis();
    private static final long HOUR = TransactionFeatures.HOUR.toMillis();

    /** Timestamps of the last hour, ascending. */
    public long[] timestamps = new long[0];
    /** Amounts, parallel to {@link #timestamps}. */
    public double[] amounts = new double[0];
    /** Index in {@link #timestamps} of the first transaction inside the last minute. */
    public int minuteStart;

    public double minuteSum;
    public double hourSum;
    /** Transactions since the state was created, and their summed amount: the running mean. */
    public long count;

    public double sum;
    public long lastTimestamp;
    /** The event time of the user's one pending cleanup timer; {@code Long.MIN_VALUE} before it is set. */
    public long cleanupAt = Long.MIN_VALUE;

    public UserFeatures() {}

    /**
     * Adds a transaction no earlier than the previous one and returns its feature vector.
     *
     * @throws IllegalArgumentException if {@code timestamp} is before the previous transaction's
     */
    public float[] add(long timestamp, double amount) {
        if (count > 0 && timestamp < lastTimestamp) {
            throw new IllegalArgumentException("transactions must arrive in event-time order: " + timestamp
                    + " is before the previous " + lastTimestamp);
        }
        int hourStart = firstAfter(timestamp - HOUR, 0);
        for (int i = 0; i < hourStart; i++) {
            hourSum -= amounts[i];
        }
        int newMinuteStart = firstAfter(timestamp - MINUTE, Math.max(minuteStart, hourStart));
        for (int i = minuteStart; i < newMinuteStart; i++) {
            minuteSum -= amounts[i];
        }
        int kept = timestamps.length - hourStart;
        long[] t = Arrays.copyOfRange(timestamps, hourStart, timestamps.length + 1);
        double[] a = Arrays.copyOfRange(amounts, hourStart, amounts.length + 1);
        t[kept] = timestamp;
        a[kept] = amount;
        minuteStart = newMinuteStart - hourStart;
        int minuteCount = kept - minuteStart;
        if (minuteCount == 0) {
            minuteSum = 0.0;
        }
        if (kept == 0) {
            hourSum = 0.0;
        }
        minuteSum += amount;
        hourSum += amount;
        timestamps = t;
        amounts = a;

        double secondsSincePrevious =
                count == 0 ? TransactionFeatures.HOUR.toSeconds() : (timestamp - lastTimestamp) / 1000.0;
        double amountToMean = count == 0 || sum == 0.0 ? 1.0 : amount / (sum / count);
        count++;
        sum += amount;
        lastTimestamp = timestamp;
        return TransactionFeatures.encode(
                amount, minuteCount + 1, minuteSum, kept + 1, hourSum, secondsSincePrevious, amountToMean);
    }

    /** When no transaction is left in any window and the state can go: an hour after the last one. */
    public long expiresAt() {
        return lastTimestamp + HOUR;
    }

    private int firstAfter(long exclusiveLowerBound, int from) {
        int i = from;
        while (i < timestamps.length && timestamps[i] <= exclusiveLowerBound) {
            i++;
        }
        return i;
    }
}
