package dev.streamingblocks.examples.dashboard;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Without Chromium the browser tests fail saying how to install it; they never skip silently. */
class ChromiumTest {

    @Test
    void aMissingBrowserFailsWithTheInstallCommand(@TempDir Path dir) {
        Path missing = dir.resolve("chromium");
        assertThatThrownBy(() -> Chromium.requireExecutables(missing))
                .isInstanceOf(AssertionError.class)
                .hasMessage("The dashboard's browser tests need a real Chromium, but " + missing + " is missing:"
                        + " install Debian's packages: apt-get install -y chromium chromium-driver"
                        + " (.ci/run does this when they are missing)");
    }

    @Test
    void presentExecutablesPass() {
        assertThatCode(() -> Chromium.requireExecutables(Path.of("/bin/sh"))).doesNotThrowAnyException();
    }
}
