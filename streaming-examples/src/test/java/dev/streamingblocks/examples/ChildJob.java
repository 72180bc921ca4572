package dev.streamingblocks.examples;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * {@code Main} in a JVM of its own, as a user runs it: its output is kept (and echoed with a prefix),
 * and {@link #stop()} sends SIGTERM, what Ctrl-C does to a terminal's foreground JVM.
 */
final class ChildJob implements AutoCloseable {

    private final Process process;
    private final StringBuffer output = new StringBuffer();
    private final String name;
    private final Thread reader;
    private final boolean echo;

    private ChildJob(String name, Process process, boolean echo) {
        this.name = name;
        this.process = process;
        this.echo = echo;
        this.reader = new Thread(this::pump, name + "-output");
        reader.setDaemon(true);
        reader.start();
    }

    static ChildJob start(String name, Map<String, String> environment, String... args) throws IOException {
        // what exec:exec gives a user
        return start(name, environment, "log4j2-examples.xml", true, args);
    }

    /** As {@link #start(String, Map, String...)} with another log4j2 configuration; {@code echo} copies the output here. */
    static ChildJob start(
            String name, Map<String, String> environment, String log4jConfiguration, boolean echo, String... args)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx768m");
        command.add("-Dlog4j2.configurationFile=" + log4jConfiguration);
        // Flink needs the same --add-opens as this test JVM.
        for (String jvmArg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (jvmArg.startsWith("--add-opens") || jvmArg.startsWith("--add-exports")) {
                command.add(jvmArg);
            }
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Main.class.getName());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(environment);
        return new ChildJob(name, builder.start(), echo);
    }

    private void pump() {
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                output.append(line).append('\n');
                if (echo) {
                    System.out.println("[" + name + "] " + line);
                }
            }
        } catch (IOException e) {
            output.append("(output ended: ").append(e).append(")\n");
        }
    }

    String output() {
        return output.toString();
    }

    /** Waits until a line of the output matches; fails with the whole output if the child exits or time runs out. */
    String awaitLine(Predicate<String> matches, Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            for (String line : output().split("\n")) {
                if (matches.test(line)) {
                    return line;
                }
            }
            if (!process.isAlive()) {
                throw new AssertionError(name + " exited with " + process.exitValue() + " before the expected line;"
                        + " its output:\n" + output());
            }
            process.waitFor(200, TimeUnit.MILLISECONDS);
        }
        throw new AssertionError(name + " printed no expected line within " + timeout + "; its output:\n" + output());
    }

    /** SIGTERM, then waits for the JVM to exit; returns its exit code. */
    int stop() throws InterruptedException {
        // Process.destroy() would also close our end of the child's output and lose its last lines.
        process.toHandle().destroy();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            throw new AssertionError(name + " did not exit within 120 s of SIGTERM; its output:\n" + output());
        }
        reader.join(TimeUnit.SECONDS.toMillis(10)); // the last lines may still be on their way
        return process.exitValue();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
