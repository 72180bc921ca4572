package dev.streamingblocks.sessions.avro;

import dev.streamingblocks.core.avro.AvroRegistryDeserializationSchema;
import dev.streamingblocks.core.avro.SchemaRegistryClientProvider;
import dev.streamingblocks.core.avro.registry.SchemaRegistryClients;
import dev.streamingblocks.sessions.MalformedPageViewException;
import dev.streamingblocks.sessions.PageView;
import dev.streamingblocks.sessions.PageViewLimits;
import java.io.IOException;
import java.util.Map;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/**
 * Reads page views in Avro on the Confluent wire format (magic byte, schema id, body), resolving the
 * writer schema from the schema registry to {@code page_view_event.avsc}.
 *
 * <pre>{@code
 * Map<String, String> registry = Map.of("schema.registry.url", "http://localhost:8081");
 * TypedKafkaSource.<PageView>builder()
 *         .setValueDeserializer(new PageViewAvroDeserializationSchema(registry))
 *         ...
 * }</pre>
 *
 * <p>Reads what Flink SQL's {@code avro-confluent} format writes for the article's
 * {@code page_views} table: nullable fields {@code user_id}, {@code page_url} and {@code view_time}
 * ({@code timestamp-millis}). A record that cannot be decoded fails with the core serde's
 * {@code AvroSerdeException}, one with a null field, or a {@code user_id} or {@code page_url} longer
 * than its {@link PageViewLimits} (default {@link PageViewLimits#DEFAULTS}), with a
 * {@link MalformedPageViewException} naming it; the Kafka sources' dead-letter policy handles both.
 */
public class PageViewAvroDeserializationSchema implements DeserializationSchema<PageView> {

    private static final long serialVersionUID = 1L;

    private final AvroRegistryDeserializationSchema<PageViewEvent> avro;
    private final PageViewLimits limits;

    /** With the HTTP registry client that {@code config} describes and {@link PageViewLimits#DEFAULTS}. */
    public PageViewAvroDeserializationSchema(Map<String, ?> config) {
        this(config, SchemaRegistryClients::create);
    }

    /** With the HTTP registry client that {@code config} describes. */
    public PageViewAvroDeserializationSchema(Map<String, ?> config, PageViewLimits limits) {
        this(config, SchemaRegistryClients::create, limits);
    }

    /** With a registry client of the caller's (a test double, a client with extra auth). */
    public PageViewAvroDeserializationSchema(Map<String, ?> config, SchemaRegistryClientProvider clientProvider) {
        this(config, clientProvider, PageViewLimits.DEFAULTS);
    }

    public PageViewAvroDeserializationSchema(
            Map<String, ?> config, SchemaRegistryClientProvider clientProvider, PageViewLimits limits) {
        if (limits == null) {
            throw new IllegalArgumentException("limits must not be null");
        }
        this.avro = AvroRegistryDeserializationSchema.forSpecific(PageViewEvent.class, config, clientProvider);
        this.limits = limits;
    }

    public PageViewLimits limits() {
        return limits;
    }

    @Override
    public void open(InitializationContext context) {
        avro.open(context);
    }

    @Override
    public PageView deserialize(byte[] message) throws IOException {
        PageView view = toPageView(avro.deserialize(message));
        limits.check(view);
        return view;
    }

    static PageView toPageView(PageViewEvent event) throws MalformedPageViewException {
        // The schema allows nulls because Flink SQL's columns are nullable; a page view does not.
        if (event.getUserId() == null) {
            throw new MalformedPageViewException("Page view lacks field 'user_id'");
        }
        if (event.getPageUrl() == null) {
            throw new MalformedPageViewException("Page view lacks field 'page_url'");
        }
        if (event.getViewTime() == null) {
            throw new MalformedPageViewException("Page view lacks field 'view_time'");
        }
        return new PageView(event.getUserId(), event.getPageUrl(), event.getViewTime());
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
