package dev.streamingblocks.testkit.registry;

/** Avro schemas in Avro's canonical JSON (what the registry stores and returns). */
final class TestSchemas {

    private TestSchemas() {}

    static String order(String fields) {
        return "{\"type\":\"record\",\"name\":\"Order\",\"namespace\":\"shop\",\"fields\":[" + fields + "]}";
    }

    static final String ID = "{\"name\":\"id\",\"type\":\"string\"}";
    static final String NOTE = "{\"name\":\"note\",\"type\":\"string\"}";
    static final String AMOUNT = "{\"name\":\"amount\",\"type\":\"long\"}";
    static final String AMOUNT_DEFAULT = "{\"name\":\"amount\",\"type\":\"long\",\"default\":0}";
    static final String CURRENCY = "{\"name\":\"currency\",\"type\":\"string\"}";

    /** {id}. */
    static final String ORDER_V1 = order(ID);
    /** {id, amount=0}: compatible with {@link #ORDER_V1} both ways. */
    static final String ORDER_V2 = order(ID + "," + AMOUNT_DEFAULT);
    /** {id, currency}: new field without a default, so not BACKWARD from {@link #ORDER_V1}. */
    static final String ORDER_WITH_CURRENCY = order(ID + "," + CURRENCY);
    /** {@link #ORDER_V1} with whitespace: the same schema to a registry. */
    static final String ORDER_V1_PRETTY =
            "{\n  \"type\": \"record\",\n  \"name\": \"Order\",\n  \"namespace\": \"shop\",\n"
                    + "  \"fields\": [ { \"name\": \"id\", \"type\": \"string\" } ]\n}";

    /** A different record type, unrelated to Order. */
    static final String PAYMENT = "{\"type\":\"record\",\"name\":\"Payment\",\"namespace\":\"shop\",\"fields\":["
            + "{\"name\":\"ref\",\"type\":\"string\"}]}";
}
