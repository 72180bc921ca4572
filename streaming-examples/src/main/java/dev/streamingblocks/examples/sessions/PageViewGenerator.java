package dev.streamingblocks.examples.sessions;

import dev.streamingblocks.sessions.PageView;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Deterministic page views: the same seed gives the same views. Each view belongs to a random user;
 * a user's views are {@code spacing * USERS} apart on average, and every {@link #BREAK_EVERY}-th view
 * is followed by a pause longer than the session gap, so the stream has sessions that close.
 *
 * <pre>{@code
 * List<PageView> views = new PageViewGenerator(7, Instant.parse("2026-02-06T12:00:00Z"), Duration.ofSeconds(10)).next(500);
 * }</pre>
 */
public final class PageViewGenerator {

    public static final int USERS = 10;
    public static final int PAGES = 8;
    public static final int BREAK_EVERY = 200;
    public static final Duration BREAK = Duration.ofMinutes(45);

    private final SplittableRandom random;
    private final Duration spacing;
    private Instant time;
    private long sequence;

    public PageViewGenerator(long seed, Instant start, Duration spacing) {
        if (spacing.isNegative() || spacing.isZero()) {
            throw new IllegalArgumentException("spacing must be positive, was " + spacing);
        }
        this.random = new SplittableRandom(seed);
        this.time = start;
        this.spacing = spacing;
    }

    public PageView next() {
        long i = sequence++;
        if (i > 0 && i % BREAK_EVERY == 0) {
            time = time.plus(BREAK);
        }
        PageView view = new PageView("user-" + random.nextInt(USERS), "/page/" + random.nextInt(PAGES), time);
        time = time.plus(spacing);
        return view;
    }

    public List<PageView> next(int count) {
        List<PageView> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(next());
        }
        return out;
    }
}
