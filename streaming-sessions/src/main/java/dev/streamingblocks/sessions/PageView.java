package dev.streamingblocks.sessions;

import java.time.Instant;

/**
 * One page view, as in the article's {@code page_views} table: {@code user_id}, {@code page_url},
 * {@code view_time}.
 *
 * <pre>{@code
 * PageView view = new PageView("alice", "/home", Instant.parse("2026-02-06T12:00:00Z"));
 * }</pre>
 *
 * @param userId the user who viewed the page; sessions are per user
 * @param pageUrl the page that was viewed
 * @param viewTime when the page was viewed (event time)
 */
public record PageView(String userId, String pageUrl, Instant viewTime) {}
