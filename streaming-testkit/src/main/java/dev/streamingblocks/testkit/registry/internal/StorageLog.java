package dev.streamingblocks.testkit.registry.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The append-only JSON-lines file behind a durable registry: one JSON object per line, each
 * forced to disk before the change is acknowledged to the client.
 */
final class StorageLog implements Closeable {

    private static final Logger LOG = LoggerFactory.getLogger(StorageLog.class);

    private final Path file;
    private final ObjectMapper mapper;
    private final FileChannel channel;

    private StorageLog(Path file, ObjectMapper mapper, FileChannel channel) {
        this.file = file;
        this.mapper = mapper;
        this.channel = channel;
    }

    /**
     * Reads every event of {@code file} (none when it does not exist yet) and opens it for
     * appending. A torn last line, left by a crash in the middle of a write, is dropped; any other
     * unreadable line fails with its line number.
     */
    static StorageLog open(Path file, ObjectMapper mapper, List<JsonNode> eventsOut) {
        FileChannel channel = null;
        try {
            channel = FileChannel.open(
                    file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
            lockExclusively(file, channel);
            long validLength = 0;
            if (channel.size() > 0) {
                byte[] content = readAll(channel);
                String text = new String(content, StandardCharsets.UTF_8);
                String[] lines = text.split("\n", -1);
                long offset = 0;
                for (int i = 0; i < lines.length; i++) {
                    String line = lines[i];
                    boolean last = i == lines.length - 1;
                    long lineBytes = line.getBytes(StandardCharsets.UTF_8).length;
                    if (line.isBlank()) {
                        offset += lineBytes + (last ? 0 : 1);
                        if (!last) {
                            validLength = offset;
                        }
                        continue;
                    }
                    JsonNode event;
                    try {
                        event = mapper.readTree(line);
                    } catch (JsonProcessingException e) {
                        if (last) {
                            LOG.warn(
                                    "Dropping the incomplete last line {} of schema registry storage file {}",
                                    i + 1,
                                    file);
                            break;
                        }
                        throw new IllegalStateException(
                                "Schema registry storage file " + file + " has an unreadable line " + (i + 1) + ": "
                                        + e.getOriginalMessage(),
                                e);
                    }
                    if (!(event instanceof ObjectNode) || !event.hasNonNull("op")) {
                        throw new IllegalStateException("Schema registry storage file " + file + " line " + (i + 1)
                                + " is not an event object with an \"op\" field");
                    }
                    eventsOut.add(event);
                    offset += lineBytes + (last ? 0 : 1);
                    validLength = offset;
                }
            }
            // Cut a torn tail so the next append starts on a fresh line.
            if (channel.size() > validLength) {
                channel.truncate(validLength);
            }
            channel.position(validLength);
            return new StorageLog(file, mapper, channel);
        } catch (IOException e) {
            closeQuietly(file, channel);
            throw new UncheckedIOException("Cannot open schema registry storage file " + file, e);
        } catch (RuntimeException e) {
            closeQuietly(file, channel);
            throw e;
        }
    }

    /**
     * Two registries appending to one file would hand out the same new ids for different schemas,
     * and a replay would then resolve one registry's id to the other's schema. The lock goes with
     * the channel on {@link #close()} or when the process dies.
     */
    private static void lockExclusively(Path file, FileChannel channel) throws IOException {
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null; // held by another registry in this JVM
        }
        if (lock == null) {
            throw new IllegalStateException("Schema registry storage file " + file
                    + " is in use by another registry (in this or another process)");
        }
    }

    private static byte[] readAll(FileChannel channel) throws IOException {
        long size = channel.size();
        if (size > Integer.MAX_VALUE) {
            throw new IOException("the file is larger than 2 GiB");
        }
        ByteBuffer buffer = ByteBuffer.allocate((int) size);
        // A positional read leaves the channel's position alone; appends set it afterwards.
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, buffer.position()) < 0) {
                break;
            }
        }
        return buffer.array();
    }

    private static void closeQuietly(Path file, FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                LOG.warn("Closing schema registry storage file {} failed", file, e);
            }
        }
    }

    /** Appends one event and forces it to disk. */
    void append(ObjectNode event) {
        try {
            byte[] line = (mapper.writeValueAsString(event) + "\n").getBytes(StandardCharsets.UTF_8);
            ByteBuffer buffer = ByteBuffer.wrap(line);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(false);
        } catch (IOException e) {
            throw RegistryError.storeFailure(file.toString(), e);
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            LOG.warn("Closing schema registry storage file {} failed", file, e);
        }
    }
}
