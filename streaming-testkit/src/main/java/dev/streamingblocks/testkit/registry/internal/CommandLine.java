package dev.streamingblocks.testkit.registry.internal;

import dev.streamingblocks.testkit.registry.EmbeddedSchemaRegistry;
import java.nio.file.Path;
import java.util.Map;

/** Turns {@code EmbeddedSchemaRegistry.main}'s arguments and environment into a builder. */
public final class CommandLine {

    /** Credentials come from the environment: command lines are visible to every local user. */
    public static final String USER_INFO_ENV = "SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO";

    public static final String USAGE = "Usage: java -cp <classpath> " + EmbeddedSchemaRegistry.class.getName()
            + " [--port N] [--storage-file PATH] [--default-compatibility LEVEL]\n"
            + "  --port N                     loopback port, 0 picks a free one (default 8081)\n"
            + "  --storage-file PATH          keep schemas in this append-only file across restarts\n"
            + "  --default-compatibility L    NONE, BACKWARD (default), FORWARD, FULL or a *_TRANSITIVE form\n"
            + "  environment " + USER_INFO_ENV + "=user:password requires HTTP basic auth";

    /** Confluent's registry listens on 8081; a local stand-in does the same unless told otherwise. */
    public static final int DEFAULT_STANDALONE_PORT = 8081;

    private CommandLine() {}

    /**
     * The builder the arguments describe.
     *
     * @throws IllegalArgumentException naming the option that is unknown, lacks a value or has a
     *     bad one
     */
    public static EmbeddedSchemaRegistry.Builder parse(String[] args, Map<String, String> env) {
        EmbeddedSchemaRegistry.Builder builder =
                EmbeddedSchemaRegistry.builder().setPort(DEFAULT_STANDALONE_PORT);
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            if (!option.equals("--port")
                    && !option.equals("--storage-file")
                    && !option.equals("--default-compatibility")) {
                throw new IllegalArgumentException("Unknown option '" + option + "'");
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("Option " + option + " needs a value");
            }
            String value = args[++i];
            switch (option) {
                case "--port" -> {
                    try {
                        builder.setPort(Integer.parseInt(value));
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("Option --port needs a number, was '" + value + "'");
                    }
                }
                case "--storage-file" -> builder.setStorageFile(Path.of(value));
                default -> {
                    try {
                        builder.setDefaultCompatibility(SchemaStore.parseLevel(value));
                    } catch (RegistryError e) {
                        throw new IllegalArgumentException("Option --default-compatibility: " + e.getMessage());
                    }
                }
            }
        }
        String userInfo = env.get(USER_INFO_ENV);
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            if (colon <= 0) {
                // Never echo the value: it is a credential.
                throw new IllegalArgumentException("Environment variable " + USER_INFO_ENV + " must be user:password");
            }
            builder.setBasicAuth(userInfo.substring(0, colon), userInfo.substring(colon + 1));
        }
        return builder;
    }
}
