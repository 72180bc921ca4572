package dev.streamingblocks.examples.fraud;

import dev.streamingblocks.fraud.Transaction;
import dev.streamingblocks.fraud.rules.FraudRules;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Deterministic card transactions: the same seed gives the same transactions. Ordinary ones are at
 * most {@link #MAX_ORDINARY_AMOUNT}, so they never count towards the article's rule; every
 * {@code fraudEvery}-th call of {@link #next()} starts a burst: {@link FraudRules#MIN_LARGE_TRANSACTIONS}
 * transactions over $1000 by one user, {@link #BURST_SPACING} apart, moved forward to the next
 * minute if they would straddle one, so all land in one tumbling minute and raise one alert.
 * With {@link BurstPlacement#ACROSS_NEAR_MINUTE_BOUNDARIES} a burst starting less than
 * {@link #STRADDLE_REACH} before a minute boundary is instead moved to straddle it (two transactions
 * before, one after), as real bursts do: a tumbling rule misses those, a sliding one or a model does not.
 *
 * <pre>{@code
 * TransactionGenerator gen = new TransactionGenerator(42, Instant.parse("2026-02-06T12:00:00Z"),
 *         Duration.ofMillis(100), 100);   // a burst every 100 transactions; 0 = never
 * List<Transaction> batch = gen.next(1000);
 * }</pre>
 */
public final class TransactionGenerator {

    public static final int USERS = 20;
    public static final double MAX_ORDINARY_AMOUNT = 500.0;
    public static final double FRAUD_AMOUNT = 1500.0;
    public static final Duration BURST_SPACING = Duration.ofMillis(100);
    /** How far ahead of a minute boundary a burst may start and still be moved across it; below the 5 s bound. */
    public static final Duration STRADDLE_REACH = Duration.ofSeconds(4);

    /** Where bursts go relative to minute boundaries. */
    public enum BurstPlacement {
        /** Never across a minute boundary: each burst raises exactly one alert of the article's tumbling rule. */
        WITHIN_ONE_MINUTE,
        /** Across the boundary when one is less than {@link #STRADDLE_REACH} ahead. */
        ACROSS_NEAR_MINUTE_BOUNDARIES
    }

    private final SplittableRandom random;
    private final Instant start;
    private final Duration spacing;
    private final int fraudEvery;
    private final BurstPlacement placement;
    private final List<Transaction> pending = new ArrayList<>();
    private long sequence;
    private long bursts;
    private long straddling;

    public TransactionGenerator(long seed, Instant start, Duration spacing, int fraudEvery) {
        this(seed, start, spacing, fraudEvery, BurstPlacement.WITHIN_ONE_MINUTE);
    }

    public TransactionGenerator(long seed, Instant start, Duration spacing, int fraudEvery, BurstPlacement placement) {
        if (spacing.isNegative() || spacing.isZero()) {
            throw new IllegalArgumentException("spacing must be positive, was " + spacing);
        }
        if (fraudEvery < 0) {
            throw new IllegalArgumentException("fraudEvery must be 0 (never) or positive, was " + fraudEvery);
        }
        this.random = new SplittableRandom(seed);
        this.start = start;
        this.spacing = spacing;
        this.fraudEvery = fraudEvery;
        this.placement = placement;
    }

    public Transaction next() {
        if (!pending.isEmpty()) {
            return pending.remove(0);
        }
        long i = sequence++;
        Instant at = start.plus(spacing.multipliedBy(i));
        if (fraudEvery > 0 && i > 0 && i % fraudEvery == 0) {
            String user = "fraudster-" + bursts++;
            Instant first = burstStart(at);
            for (int k = 0; k < FraudRules.MIN_LARGE_TRANSACTIONS; k++) {
                pending.add(transaction(
                        "tx-" + i + "-burst-" + k, user, FRAUD_AMOUNT + k, first.plus(BURST_SPACING.multipliedBy(k))));
            }
            return pending.remove(0);
        }
        double amount = Math.round(random.nextDouble(1.0, MAX_ORDINARY_AMOUNT) * 100) / 100.0;
        return transaction("tx-" + i, "user-" + random.nextInt(USERS), amount, at);
    }

    public List<Transaction> next(int count) {
        List<Transaction> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(next());
        }
        return out;
    }

    private Instant burstStart(Instant at) {
        long minute = FraudRules.WINDOW.toMillis();
        long span = BURST_SPACING.toMillis() * (FraudRules.MIN_LARGE_TRANSACTIONS - 1);
        long t = at.toEpochMilli();
        long nextBoundary = t - Math.floorMod(t, minute) + minute;
        if (placement == BurstPlacement.ACROSS_NEAR_MINUTE_BOUNDARIES && nextBoundary - t < STRADDLE_REACH.toMillis()) {
            straddling++;
            // all but the last before the boundary, the last one after it
            return Instant.ofEpochMilli(nextBoundary - span + BURST_SPACING.toMillis() / 2);
        }
        return Instant.ofEpochMilli(t + span >= nextBoundary ? nextBoundary : t);
    }

    /** Bursts so far that straddle a minute boundary. */
    public long straddlingBursts() {
        return straddling;
    }

    /** Bursts started so far; each should raise exactly one alert. */
    public long bursts() {
        return bursts;
    }

    public static Transaction transaction(String id, String user, double amount, Instant at) {
        return Transaction.newBuilder()
                .setTransactionId(id)
                .setUserId(user)
                .setAmount(amount)
                .setTimestamp(at)
                .build();
    }
}
