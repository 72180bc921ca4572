package dev.streamingblocks.examples.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ArgsTest {

    private static Args parse(String... args) {
        return Args.parse(
                "fraud",
                args,
                Set.of("--bootstrap-servers", "--checkpoint-interval", "--parallelism"),
                Set.of("--wipe"));
    }

    @Test
    void readsValuesFlagsAndHelp() {
        Args args = parse("--bootstrap-servers", "b:9092", "--wipe", "-h");
        assertThat(args.get("--bootstrap-servers")).contains("b:9092");
        assertThat(args.has("--wipe")).isTrue();
        assertThat(args.has("--help")).isTrue();
        assertThat(args.get("--parallelism")).isEmpty();
    }

    @Test
    void unknownOptionNamesTheOptionAndTheCommand() {
        assertThatThrownBy(() -> parse("--bootstrap-server", "b:9092"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("fraud: unknown option '--bootstrap-server'; try fraud --help");
    }

    @Test
    void missingValueIsNamed() {
        assertThatThrownBy(() -> parse("--bootstrap-servers", "--wipe"))
                .hasMessage("fraud: option --bootstrap-servers needs a value; try fraud --help");
        assertThatThrownBy(() -> parse("--parallelism"))
                .hasMessage("fraud: option --parallelism needs a value; try fraud --help");
    }

    @Test
    void durationsInShortAndIsoForm() {
        assertThat(parse("--checkpoint-interval", "500ms").getDuration("--checkpoint-interval", null))
                .isEqualTo(Duration.ofMillis(500));
        assertThat(parse("--checkpoint-interval", "10s").getDuration("--checkpoint-interval", null))
                .isEqualTo(Duration.ofSeconds(10));
        assertThat(parse("--checkpoint-interval", "2m").getDuration("--checkpoint-interval", null))
                .isEqualTo(Duration.ofMinutes(2));
        assertThat(parse("--checkpoint-interval", "PT1H").getDuration("--checkpoint-interval", null))
                .isEqualTo(Duration.ofHours(1));
        assertThat(parse().getDuration("--checkpoint-interval", Duration.ofSeconds(7)))
                .isEqualTo(Duration.ofSeconds(7));
        assertThatThrownBy(() -> parse("--checkpoint-interval", "soon").getDuration("--checkpoint-interval", null))
                .hasMessage(
                        "fraud: option --checkpoint-interval must be a duration such as 500ms, 10s, 2m or PT10S, was 'soon'");
    }

    @Test
    void numbersAreCheckedAgainstTheirMinimum() {
        assertThat(parse("--parallelism", "4").getLong("--parallelism", 2, 1)).isEqualTo(4);
        assertThatThrownBy(() -> parse("--parallelism", "0").getLong("--parallelism", 2, 1))
                .hasMessage("fraud: option --parallelism must be at least 1, was 0");
        assertThatThrownBy(() -> parse("--parallelism", "two").getLong("--parallelism", 2, 1))
                .hasMessage("fraud: option --parallelism must be a whole number, was 'two'");
    }

    @Test
    void repeatableOptionsKeepEveryValueInOrder() {
        Args args = Args.parse(
                "fraud",
                new String[] {"--kafka-property", "a=1", "--parallelism", "2", "--kafka-property", "b=2"},
                Set.of("--kafka-property", "--parallelism"),
                Set.of(),
                Set.of("--kafka-property"));
        assertThat(args.getAll("--kafka-property")).containsExactly("a=1", "b=2");
        assertThat(args.getAll("--parallelism")).isEmpty();
        assertThat(args.command()).isEqualTo("fraud");
    }
}
