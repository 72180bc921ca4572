package dev.streamingblocks.fraud.model;

import java.time.Duration;
import java.util.List;

/**
 * The features a model rule scores, one vector per transaction, from the user's transactions up
 * to and including it (event time, ends inclusive, starts exclusive):
 *
 * <ol>
 *   <li>{@code log_amount}: ln(1 + amount);</li>
 *   <li>{@code minute_count}: the user's transactions in the last {@link #MINUTE};</li>
 *   <li>{@code log_minute_sum}: ln(1 + their summed amount);</li>
 *   <li>{@code hour_count}: the user's transactions in the last {@link #HOUR};</li>
 *   <li>{@code log_hour_sum}: ln(1 + their summed amount);</li>
 *   <li>{@code log_seconds_since_previous}: ln(1 + seconds since the user's previous transaction),
 *       {@link #HOUR} for the first one the state knows;</li>
 *   <li>{@code amount_to_mean}: amount over the mean of the user's earlier transactions since the
 *       state was last cleared, 1 for the first one.</li>
 * </ol>
 *
 * <p>Amounts enter as logarithms because a linear model weighs them linearly: raw dollars would let
 * one large amount outweigh every other feature and make SGD training unstable. Models are trained
 * on exactly these vectors ({@link UserFeatures#add}), so the encoding is part of the model's
 * contract and changing it needs retrained models.
 */
public final class TransactionFeatures {

    public static final Duration MINUTE = Duration.ofMinutes(1);

    public static final Duration HOUR = Duration.ofHours(1);

    /** The names in vector order; trainers name their features so and the model input follows it. */
    public static final List<String> NAMES = List.of(
            "f0_log_amount",
            "f1_minute_count",
            "f2_log_minute_sum",
            "f3_hour_count",
            "f4_log_hour_sum",
            "f5_log_seconds_since_previous",
            "f6_amount_to_mean");

    public static final int COUNT = NAMES.size();

    private TransactionFeatures() {}

    static float[] encode(
            double amount,
            int minuteCount,
            double minuteSum,
            int hourCount,
            double hourSum,
            double secondsSincePrevious,
            double amountToMean) {
        return new float[] {
            (float) Math.log1p(amount),
            minuteCount,
            (float) Math.log1p(minuteSum),
            hourCount,
            (float) Math.log1p(hourSum),
            (float) Math.log1p(secondsSincePrevious),
            (float) amountToMean
        };
    }
}
