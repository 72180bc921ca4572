package dev.streamingblocks.benchmarks.latency;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code --name value} options of a benchmark command. An unknown option fails at once, naming it,
 * so a typo never runs a long benchmark with defaults.
 */
public final class Options {

    private final Map<String, String> values = new LinkedHashMap<>();

    private Options() {}

    public static Options parse(String command, String[] args, Set<String> known) {
        Options options = new Options();
        for (int i = 0; i < args.length; i++) {
            String name = args[i].startsWith("--") ? args[i].substring(2) : null;
            if (name == null || !known.contains(name)) {
                throw new IllegalArgumentException(
                        command + ": unknown option '" + args[i] + "'; known: --" + String.join(", --", known));
            }
            if (i + 1 == args.length) {
                throw new IllegalArgumentException(command + ": option '" + args[i] + "' needs a value");
            }
            options.values.put(name, args[++i]);
        }
        return options;
    }

    public String string(String name, String defaultValue) {
        return values.getOrDefault(name, defaultValue);
    }

    public int integer(String name, int defaultValue) {
        String value = values.get(name);
        try {
            return value == null ? defaultValue : Integer.parseInt(value.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("option '--" + name + "' needs a whole number, but was '" + value + "'");
        }
    }

    /** A comma-separated list of whole numbers; empty for {@code "none"}. */
    public List<Integer> integers(String name, String defaultValue) {
        String value = string(name, defaultValue);
        List<Integer> list = new ArrayList<>();
        if (value.equals("none")) {
            return list;
        }
        for (String part : Arrays.asList(value.split(","))) {
            try {
                list.add(Integer.parseInt(part.trim().replace("_", "")));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        "option '--" + name + "' needs whole numbers separated by commas, but was '" + value + "'");
            }
        }
        return list;
    }
}
