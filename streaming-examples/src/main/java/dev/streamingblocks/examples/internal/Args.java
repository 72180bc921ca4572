package dev.streamingblocks.examples.internal;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The options of one subcommand: {@code --name value} pairs and {@code --flag}s, checked against
 * the options the command declares, so a typo fails at once naming the option and the command.
 */
public final class Args {

    private static final Pattern SHORT_DURATION = Pattern.compile("(\\d+)(ms|s|m|h)");

    private final String command;
    private final Map<String, String> values;
    private final Map<String, List<String>> repeated;

    private Args(String command, Map<String, String> values, Map<String, List<String>> repeated) {
        this.command = command;
        this.values = values;
        this.repeated = repeated;
    }

    /**
     * Parses {@code args}; {@code withValue} are options that take a value, {@code flags} those that
     * do not. {@code --help} is always a flag.
     */
    public static Args parse(String command, String[] args, Set<String> withValue, Set<String> flags) {
        return parse(command, args, withValue, flags, Set.of());
    }

    /**
     * As {@link #parse(String, String[], Set, Set)}; options in {@code repeatable} (also in
     * {@code withValue}) may be given more than once, each value kept ({@link #getAll}).
     */
    public static Args parse(
            String command, String[] args, Set<String> withValue, Set<String> flags, Set<String> repeatable) {
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, List<String>> repeated = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            if (option.equals("--help") || option.equals("-h") || flags.contains(option)) {
                values.put(option.equals("-h") ? "--help" : option, "true");
            } else if (withValue.contains(option)) {
                if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
                    throw new IllegalArgumentException(
                            command + ": option " + option + " needs a value; try " + command + " --help");
                }
                String value = args[++i];
                if (repeatable.contains(option)) {
                    repeated.computeIfAbsent(option, o -> new ArrayList<>()).add(value);
                }
                values.put(option, value);
            } else {
                throw new IllegalArgumentException(
                        command + ": unknown option '" + option + "'; try " + command + " --help");
            }
        }
        return new Args(command, values, repeated);
    }

    /** The command these options belong to, for messages. */
    public String command() {
        return command;
    }

    /** Every value of a repeatable option, in the order given; empty if it was not given. */
    public List<String> getAll(String option) {
        return List.copyOf(repeated.getOrDefault(option, List.of()));
    }

    public boolean has(String option) {
        return values.containsKey(option);
    }

    public Optional<String> get(String option) {
        return Optional.ofNullable(values.get(option));
    }

    public String get(String option, String defaultValue) {
        return values.getOrDefault(option, defaultValue);
    }

    public long getLong(String option, long defaultValue, long min) {
        String raw = values.get(option);
        if (raw == null) {
            return defaultValue;
        }
        long value;
        try {
            value = Long.parseLong(raw);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    command + ": option " + option + " must be a whole number, was '" + raw + "'");
        }
        if (value < min) {
            throw new IllegalArgumentException(
                    command + ": option " + option + " must be at least " + min + ", was " + value);
        }
        return value;
    }

    /** A duration as {@code 500ms}, {@code 10s}, {@code 2m}, {@code 1h} or ISO-8601 ({@code PT10S}). */
    public Duration getDuration(String option, Duration defaultValue) {
        String raw = values.get(option);
        if (raw == null) {
            return defaultValue;
        }
        Matcher m = SHORT_DURATION.matcher(raw.toLowerCase(Locale.ROOT));
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            };
        }
        try {
            return Duration.parse(raw);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(command + ": option " + option
                    + " must be a duration such as 500ms, 10s, 2m or PT10S, was '" + raw + "'");
        }
    }
}
