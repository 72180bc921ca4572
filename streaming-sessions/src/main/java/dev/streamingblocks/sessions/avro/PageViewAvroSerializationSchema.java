package dev.streamingblocks.sessions.avro;

import dev.streamingblocks.core.avro.AvroRegistrySerializationSchema;
import dev.streamingblocks.core.avro.SchemaRegistryClientProvider;
import dev.streamingblocks.core.avro.registry.SchemaRegistryClients;
import dev.streamingblocks.sessions.PageView;
import java.util.Map;
import org.apache.flink.api.common.serialization.SerializationSchema;

/**
 * Writes page views in Avro on the Confluent wire format, registering {@code page_view_event.avsc}
 * under the topic's value subject (by default {@code <topic>-value}).
 *
 * <pre>{@code
 * byte[] bytes = new PageViewAvroSerializationSchema("page-views", registryConfig).serialize(view);
 * }</pre>
 */
public class PageViewAvroSerializationSchema implements SerializationSchema<PageView> {

    private static final long serialVersionUID = 1L;

    private final AvroRegistrySerializationSchema<PageViewEvent> avro;

    /** With the HTTP registry client that {@code config} describes. */
    public PageViewAvroSerializationSchema(String topic, Map<String, ?> config) {
        this(topic, config, SchemaRegistryClients::create);
    }

    /** With a registry client of the caller's. */
    public PageViewAvroSerializationSchema(
            String topic, Map<String, ?> config, SchemaRegistryClientProvider clientProvider) {
        this.avro = AvroRegistrySerializationSchema.forSpecific(PageViewEvent.class, topic, config, clientProvider);
    }

    @Override
    public void open(InitializationContext context) {
        avro.open(context);
    }

    @Override
    public byte[] serialize(PageView view) {
        if (view.userId() == null || view.pageUrl() == null || view.viewTime() == null) {
            throw new IllegalArgumentException("PageView needs userId, pageUrl and viewTime for Avro, but was " + view);
        }
        return avro.serialize(new PageViewEvent(view.userId(), view.pageUrl(), view.viewTime()));
    }
}
