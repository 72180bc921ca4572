package dev.streamingblocks.sessions.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.streamingblocks.sessions.PageView;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.serialization.SerializationSchema;

/**
 * Writes page views as Flink SQL's {@code json} format does (see {@link PageViewJson}), so a SQL
 * table over the same topic reads them.
 *
 * <pre>{@code
 * byte[] json = new PageViewJsonSerializationSchema().serialize(view);
 * // {"user_id":"alice","page_url":"/home","view_time":"2026-02-06 12:00:00"}
 * }</pre>
 */
public class PageViewJsonSerializationSchema implements SerializationSchema<PageView> {

    private static final long serialVersionUID = 1L;

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Override
    public byte[] serialize(PageView view) {
        if (view.viewTime() == null) {
            throw new IllegalArgumentException("PageView.viewTime must not be null (user " + view.userId() + ")");
        }
        ObjectNode node = MAPPER.createObjectNode();
        node.put(PageViewJson.USER_ID, view.userId());
        node.put(PageViewJson.PAGE_URL, view.pageUrl());
        node.put(PageViewJson.VIEW_TIME, PageViewJson.format(view.viewTime()));
        try {
            return MAPPER.writeValueAsString(node).getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Could not write page view of user " + view.userId() + " as JSON", e);
        }
    }
}
