package dev.streamingblocks.lake;

/**
 * A record later than the allowed lateness: its partition is closed (its {@code _SUCCESS} marker may
 * already be written), so writing it there would change a partition readers were told is complete.
 */
public class LateRecordException extends UnwritableLakeRecordException {

    private static final long serialVersionUID = 1L;

    public LateRecordException(String message) {
        super(message);
    }
}
