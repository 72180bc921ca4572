package dev.streamingblocks.sessions;

import java.io.Serializable;

/**
 * Upper bounds on the text fields of a page view, checked where the record is read, so a value
 * that the sink's table cannot hold becomes a dead letter at the source instead of a failed write.
 *
 * <pre>{@code
 * new PageViewJsonDeserializationSchema(PageViewLimits.DEFAULTS.withMaxPageUrlLength(2048));
 * }</pre>
 *
 * <p>Lengths count UTF-16 code units ({@link String#length()}), at most 3 bytes each in UTF-8.
 * The default {@value #DEFAULT_MAX_USER_ID_LENGTH} for {@code user_id} keeps a key of
 * {@code user_sessions} (user id and a timestamp) under PostgreSQL's B-tree entry limit of about
 * 2700 bytes (a third of a page); {@value #DEFAULT_MAX_PAGE_URL_LENGTH} for {@code page_url},
 * which the table stores as the first and last page, is well above what browsers send in practice.
 *
 * @param maxUserIdLength longest accepted {@code user_id}; at least 1
 * @param maxPageUrlLength longest accepted {@code page_url}; at least 1
 */
public record PageViewLimits(int maxUserIdLength, int maxPageUrlLength) implements Serializable {

    public static final int DEFAULT_MAX_USER_ID_LENGTH = 512;
    public static final int DEFAULT_MAX_PAGE_URL_LENGTH = 8192;
    public static final PageViewLimits DEFAULTS =
            new PageViewLimits(DEFAULT_MAX_USER_ID_LENGTH, DEFAULT_MAX_PAGE_URL_LENGTH);

    public PageViewLimits {
        if (maxUserIdLength < 1) {
            throw new IllegalArgumentException("maxUserIdLength must be at least 1, but was " + maxUserIdLength);
        }
        if (maxPageUrlLength < 1) {
            throw new IllegalArgumentException("maxPageUrlLength must be at least 1, but was " + maxPageUrlLength);
        }
    }

    public PageViewLimits withMaxUserIdLength(int maxUserIdLength) {
        return new PageViewLimits(maxUserIdLength, maxPageUrlLength);
    }

    public PageViewLimits withMaxPageUrlLength(int maxPageUrlLength) {
        return new PageViewLimits(maxUserIdLength, maxPageUrlLength);
    }

    /** Fails naming the field, its length and the limit; the value itself is not echoed (it may be huge). */
    public void check(PageView view) throws MalformedPageViewException {
        check("user_id", view.userId(), maxUserIdLength, "maxUserIdLength");
        check("page_url", view.pageUrl(), maxPageUrlLength, "maxPageUrlLength");
    }

    private static void check(String field, String value, int limit, String property)
            throws MalformedPageViewException {
        if (value != null && value.length() > limit) {
            throw new MalformedPageViewException("Page view field '" + field + "' is " + value.length()
                    + " characters long, more than the limit of " + limit + " (PageViewLimits." + property + ")");
        }
    }
}
