package dev.streamingblocks.sessions.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.streamingblocks.sessions.MalformedPageViewException;
import dev.streamingblocks.sessions.PageView;
import dev.streamingblocks.sessions.PageViewLimits;
import java.io.IOException;
import java.time.Instant;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/**
 * Reads page views from the JSON that Flink SQL's {@code json} format writes (see {@link PageViewJson}).
 *
 * <pre>{@code
 * KafkaSource<PageView> source = KafkaSource.<PageView>builder()
 *         .setTopics("page-views")
 *         .setValueOnlyDeserializer(new PageViewJsonDeserializationSchema())
 *         ...
 * }</pre>
 *
 * <p>A record that is not a JSON object with a string {@code user_id}, {@code page_url} and
 * {@code view_time} fails with a {@link MalformedPageViewException} naming the field; a source with
 * a dead-letter policy routes it to the dead-letter topic. So does a {@code user_id} or
 * {@code page_url} longer than its {@link PageViewLimits} (by default
 * {@value PageViewLimits#DEFAULT_MAX_USER_ID_LENGTH} and {@value PageViewLimits#DEFAULT_MAX_PAGE_URL_LENGTH}
 * characters), since the sessions table could not store it. Unknown fields are ignored, as the
 * {@code json} format does. The JSON is read strictly: an empty value, a duplicate key, invalid
 * UTF-8 or anything after the object is malformed too, and so are a blank {@code user_id} and a
 * {@code view_time} before 1970.
 */
public class PageViewJsonDeserializationSchema implements DeserializationSchema<PageView> {

    private static final long serialVersionUID = 1L;

    /**
     * Strict, so a record that two JSON readers could read differently is refused: a duplicate key
     * (Jackson would keep the last value silently), data after the object. Invalid UTF-8 fails in
     * Jackson's parser already.
     */
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private final PageViewLimits limits;

    /** With {@link PageViewLimits#DEFAULTS}. */
    public PageViewJsonDeserializationSchema() {
        this(PageViewLimits.DEFAULTS);
    }

    public PageViewJsonDeserializationSchema(PageViewLimits limits) {
        if (limits == null) {
            throw new IllegalArgumentException("limits must not be null");
        }
        this.limits = limits;
    }

    public PageViewLimits limits() {
        return limits;
    }

    @Override
    public PageView deserialize(byte[] message) throws IOException {
        if (message == null) {
            throw new MalformedPageViewException("Page view record has no value (a tombstone?)");
        }
        if (message.length == 0) {
            throw new MalformedPageViewException("Page view record value is empty (0 bytes)");
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(message);
        } catch (JsonProcessingException e) {
            throw new MalformedPageViewException("Page view is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new MalformedPageViewException("Page view must be a JSON object, but was "
                    + (root == null ? "empty" : root.getNodeType().toString().toLowerCase(java.util.Locale.ROOT)));
        }
        String userId = text(root, PageViewJson.USER_ID);
        String pageUrl = text(root, PageViewJson.PAGE_URL);
        String viewTimeText = text(root, PageViewJson.VIEW_TIME);
        Instant viewTime = PageViewJson.parse(viewTimeText);
        if (viewTime == null) {
            throw new MalformedPageViewException("Page view field '" + PageViewJson.VIEW_TIME
                    + "' must be a timestamp like '2026-02-06 12:00:00.123' (UTC) or ISO-8601, but was '"
                    + viewTimeText + "'");
        }
        if (userId.isBlank()) {
            throw new MalformedPageViewException("Page view field '" + PageViewJson.USER_ID + "' must not be blank");
        }
        if (viewTime.toEpochMilli() < 0) {
            throw new MalformedPageViewException("Page view field '" + PageViewJson.VIEW_TIME
                    + "' must not be before 1970, but was '" + viewTimeText + "'");
        }
        PageView view = new PageView(userId, pageUrl, viewTime);
        limits.check(view);
        return view;
    }

    private static String text(JsonNode root, String field) throws MalformedPageViewException {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            throw new MalformedPageViewException("Page view lacks field '" + field + "'");
        }
        if (!node.isTextual()) {
            throw new MalformedPageViewException("Page view field '" + field + "' must be a string, but was "
                    + node.getNodeType().toString().toLowerCase(java.util.Locale.ROOT) + " " + node);
        }
        return node.textValue();
    }

    @Override
    public boolean isEndOfStream(PageView nextElement) {
        return false;
    }

    @Override
    public TypeInformation<PageView> getProducedType() {
        return TypeInformation.of(PageView.class);
    }
}
