package dev.streamingblocks.benchmarks.harness;

import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where a Flink job's CPU goes, from a JFR recording's execution samples: per group of threads
 * (named by a prefix, e.g. the source task's {@code "Source: "}), the share of samples in each cost
 * category of a Kafka → Avro → keyBy → window → Kafka pipeline, and the top leaf methods.
 *
 * <pre>
 * java -XX:StartFlightRecording=filename=run.jfr,settings=profile ... OrderStatsBenchmark --variants library ...
 * java -cp benchmarks.jar dev.streamingblocks.benchmarks.harness.JfrHotSpots run.jfr \
 *     --threads "Source: ,order-stats-per" --from 16:35:00 --to 16:35:56
 * </pre>
 *
 * <p>A sample goes to the first category whose rule matches: first the boundary rules (a record
 * being copied, serialized for the network, decoded from Kafka, written by the sink), looked for
 * anywhere in the stack from the leaf up, because the same JDK or Avro leaf serves several of them;
 * then the component rules (package prefixes), again from the leaf up.
 */
public final class JfrHotSpots {

    /** Frames ({@code SimpleClass.method}) that decide the category wherever they are in the stack. */
    static final Map<String, String> BOUNDARIES = new LinkedHashMap<>();

    /** Class-name substrings ({@code org/apache/...} style replaced by dots) per category. */
    static final Map<String, List<String>> COMPONENTS = new LinkedHashMap<>();

    static {
        String acrossKeyBy = "records across keyBy: Avro/Flink serializers, network buffers";
        for (String frame : List.of(
                "AvroSerializer.serialize",
                "AvroSerializer.deserialize",
                "EitherSerializer.serialize",
                "StreamElementSerializer.serialize",
                "StreamElementSerializer.deserialize",
                "TupleSerializer.serialize",
                "TupleSerializer.deserialize")) {
            BOUNDARIES.put(frame, acrossKeyBy);
        }
        String copy = "copy of each record between chained operators (object reuse off)";
        for (String frame : List.of("AvroSerializer.copy", "EitherSerializer.copy", "GenericData.deepCopy")) {
            BOUNDARIES.put(frame, copy);
        }
        BOUNDARIES.put("AvroRegistryDeserializationSchema.deserialize", "Avro decode of the Kafka value");
        BOUNDARIES.put("GuardedRecordSerializationSchema.serialize", "sink: record serialization (JSON rows)");
        BOUNDARIES.put("KafkaWriter.write", "sink: Kafka producer send");

        COMPONENTS.put("Avro decode of the Kafka value", List.of("org.apache.avro.", "dev.streamingblocks.core.avro."));
        COMPONENTS.put(
                "sink: record serialization (JSON rows)",
                List.of("org.apache.flink.formats.json", "UpsertJsonLayout", "com.fasterxml.jackson"));
        COMPONENTS.put(
                "sink: Kafka producer send",
                List.of("org.apache.flink.connector.kafka.sink", "org.apache.kafka.clients.producer"));
        COMPONENTS.put(
                "event time: extraction, guard, watermark generation",
                List.of("dev.streamingblocks.core.time", "eventtime", "WatermarkGenerator", "TimestampsAndWatermarks"));
        COMPONENTS.put(
                "source: dead-letter split, Either",
                List.of("dev.streamingblocks.kafka.source", "org.apache.flink.types.Either"));
        COMPONENTS.put(
                "Kafka fetch, record batches, split reader",
                List.of(
                        "org.apache.kafka.",
                        "org.apache.flink.connector.kafka.source",
                        "org.apache.flink.connector.base.source"));
        COMPONENTS.put(
                "window operator, heap state, timers",
                List.of(
                        "streaming.runtime.operators.windowing",
                        "org.apache.flink.runtime.state",
                        "InternalTimer",
                        "TimerService",
                        "KeyGroupRangeAssignment",
                        "KeyContext"));
        COMPONENTS.put(
                "records across keyBy: Avro/Flink serializers, network buffers",
                List.of(
                        "org.apache.flink.api.common.typeutils",
                        "org.apache.flink.api.java.typeutils.runtime",
                        "org.apache.flink.runtime.io.",
                        "org.apache.flink.runtime.plugable",
                        "org.apache.flink.streaming.runtime.io",
                        "org.apache.flink.core.memory"));
        COMPONENTS.put(
                "task loop, chaining, mailbox",
                List.of(
                        "org.apache.flink.streaming.runtime.tasks",
                        "org.apache.flink.streaming.api.operators",
                        "org.apache.flink.runtime.taskmanager"));
    }

    private JfrHotSpots() {}

    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.out.println("Usage: JfrHotSpots <recording.jfr> [--threads prefix,prefix] [--from HH:mm:ss]"
                    + " [--to HH:mm:ss] [--top 15]");
            return;
        }
        Args options = Args.parse(
                "JfrHotSpots",
                java.util.Arrays.copyOfRange(args, 1, args.length),
                Set.of("threads", "from", "to", "top"));
        List<String> prefixes = List.of(options.string("threads", "").split(","));
        LocalTime from = LocalTime.parse(options.string("from", "00:00:00"));
        LocalTime to = LocalTime.parse(options.string("to", "23:59:59"));
        int top = options.intValue("top", 15);
        System.out.print(report(Path.of(args[0]), prefixes, from, to, top));
    }

    /** The report as text; see the class Javadoc. */
    public static String report(Path recording, List<String> threadPrefixes, LocalTime from, LocalTime to, int top)
            throws IOException {
        Map<String, List<List<String>>> stacksByGroup = new LinkedHashMap<>();
        threadPrefixes.forEach(p -> stacksByGroup.put(p, new ArrayList<>()));
        Map<String, Integer> allThreads = new TreeMap<>();
        int total = 0;
        try (RecordingFile file = new RecordingFile(recording)) {
            while (file.hasMoreEvents()) {
                RecordedEvent event = file.readEvent();
                if (!event.getEventType().getName().equals("jdk.ExecutionSample")) {
                    continue;
                }
                LocalTime at = LocalTime.ofInstant(event.getStartTime(), ZoneOffset.UTC);
                if (at.isBefore(from) || at.isAfter(to)) {
                    continue;
                }
                total++;
                String thread = event.getThread("sampledThread") == null
                        ? "?"
                        : String.valueOf(event.getThread("sampledThread").getJavaName());
                allThreads.merge(threadGroup(thread), 1, Integer::sum);
                RecordedStackTrace stack = event.getStackTrace();
                if (stack == null) {
                    continue;
                }
                for (String prefix : threadPrefixes) {
                    if (!prefix.isEmpty() && thread.startsWith(prefix)) {
                        List<String> frames = new ArrayList<>();
                        for (RecordedFrame frame : stack.getFrames()) {
                            frames.add(frame.getMethod().getType().getName() + "."
                                    + frame.getMethod().getName());
                        }
                        stacksByGroup.get(prefix).add(frames);
                    }
                }
            }
        }
        int samples = total;
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%d execution samples from %s to %s UTC%n", samples, from, to));
        allThreads.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .limit(top)
                .forEach(e -> out.append(line(e.getValue(), samples, e.getKey())));
        List<List<String>> combined = new ArrayList<>();
        for (Map.Entry<String, List<List<String>>> group : stacksByGroup.entrySet()) {
            if (group.getKey().isEmpty()) {
                continue;
            }
            combined.addAll(group.getValue());
            out.append(categories("threads '" + group.getKey() + "'", group.getValue()));
        }
        if (stacksByGroup.size() > 1) {
            out.append(categories("all these threads", combined));
        }
        Map<String, Integer> leaves = new TreeMap<>();
        for (List<String> frames : combined) {
            if (!frames.isEmpty()) {
                leaves.merge(simple(frames.get(0)), 1, Integer::sum);
            }
        }
        out.append(String.format(Locale.ROOT, "top leaf methods of these threads:%n"));
        leaves.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .limit(top)
                .forEach(e -> out.append(line(e.getValue(), combined.size(), e.getKey())));
        return out.toString();
    }

    private static String categories(String title, List<List<String>> stacks) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (List<String> frames : stacks) {
            counts.merge(category(frames), 1, Integer::sum);
        }
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%s: %d samples%n", title, stacks.size()));
        counts.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .forEach(e -> out.append(line(e.getValue(), stacks.size(), e.getKey())));
        return out.toString();
    }

    /** The category of one stack (leaf first); see the class Javadoc. */
    static String category(List<String> frames) {
        for (String frame : frames) {
            String category = BOUNDARIES.get(simple(frame));
            if (category != null) {
                return category;
            }
        }
        for (String frame : frames) {
            for (Map.Entry<String, List<String>> rule : COMPONENTS.entrySet()) {
                for (String pattern : rule.getValue()) {
                    if (frame.contains(pattern)) {
                        return rule.getKey();
                    }
                }
            }
        }
        return "other (JDK frames only)";
    }

    private static String simple(String frame) {
        int method = frame.lastIndexOf('.');
        int type = frame.lastIndexOf('.', method - 1);
        return frame.substring(type + 1);
    }

    private static String threadGroup(String thread) {
        int cut = thread.indexOf(" (");
        String name = cut > 0 ? thread.substring(0, Math.min(cut, 60)) : thread.replaceAll("[-#]?\\d+$", "");
        return name.length() > 60 ? name.substring(0, 60) + "…" : name;
    }

    private static String line(int count, int of, String label) {
        return String.format(Locale.ROOT, "  %5d %5.1f%%  %s%n", count, 100.0 * count / Math.max(1, of), label);
    }
}
