package dev.streamingblocks.kafka.source;

import static java.nio.charset.StandardCharsets.UTF_8;

/** A JSON event for the source tests. */
public record Payment(String id, String account, long amountCents, long eventTime) {

    /** The exact JSON bytes the tests write. */
    public byte[] toJson() {
        return ("{\"id\":\"" + id + "\",\"account\":\"" + account + "\",\"amountCents\":" + amountCents
                        + ",\"eventTime\":" + eventTime + "}")
                .getBytes(UTF_8);
    }
}
