package dev.streamingblocks.benchmarks.harness;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * {@code --name value} command-line options of a harness command; an unknown or malformed option
 * fails at once with a message naming it, so a typo never runs a 10-minute benchmark with
 * defaults.
 */
public final class Args {

    private final String command;
    private final Map<String, String> values = new LinkedHashMap<>();

    private Args(String command) {
        this.command = command;
    }

    /** Parses {@code args}, accepting only the options in {@code known} (without the dashes). */
    public static Args parse(String command, String[] args, Set<String> known) {
        Args parsed = new Args(command);
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--") || !known.contains(arg.substring(2))) {
                throw new IllegalArgumentException(
                        command + ": unknown option '" + arg + "'; known: --" + String.join(", --", known));
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(command + ": option '" + arg + "' needs a value");
            }
            parsed.values.put(arg.substring(2), args[++i]);
        }
        return parsed;
    }

    public String string(String name, String defaultValue) {
        return values.getOrDefault(name, defaultValue);
    }

    public long longValue(String name, long defaultValue) {
        String value = values.get(name);
        if (value == null) {
            return defaultValue;
        }
        try {
            return Long.parseLong(value.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    command + ": option '--" + name + "' needs a whole number, but was '" + value + "'");
        }
    }

    public int intValue(String name, int defaultValue) {
        long value = longValue(name, defaultValue);
        if (value > Integer.MAX_VALUE || value < Integer.MIN_VALUE) {
            throw new IllegalArgumentException(command + ": option '--" + name + "' is out of range: " + value);
        }
        return (int) value;
    }

    public boolean has(String name) {
        return values.containsKey(name);
    }
}
