package dev.streamingblocks.examples.dashboard;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's headless Chromium driven through Debian's chromedriver: both named by path, so Selenium
 * never looks for (or downloads) a browser or driver itself.
 */
final class Chromium {

    static final Path BROWSER = Path.of("/usr/bin/chromium");
    static final Path DRIVER = Path.of("/usr/bin/chromedriver");
    static final String INSTALL_HINT = "install Debian's packages: apt-get install -y chromium chromium-driver"
            + " (.ci/run does this when they are missing)";

    private Chromium() {}

    /** Fails, saying how to install them, when one of {@code paths} is not an executable file. */
    static void requireExecutables(Path... paths) {
        for (Path required : paths) {
            if (!Files.isExecutable(required)) {
                throw new AssertionError("The dashboard's browser tests need a real Chromium, but " + required
                        + " is missing: " + INSTALL_HINT);
            }
        }
    }

    /** A new browser with a fresh profile in {@code profile}; fails (never skips) without Chromium. */
    static ChromeDriver start(Path profile) throws IOException {
        requireExecutables(BROWSER, DRIVER);
        System.setProperty(ChromeDriverService.CHROME_DRIVER_EXE_PROPERTY, DRIVER.toString());
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BROWSER.toFile());
        options.addArguments(
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--window-size=1280,1000",
                "--user-data-dir=" + Files.createDirectories(profile));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(DRIVER.toString()))
                .usingAnyFreePort()
                .withTimeout(Duration.ofSeconds(30))
                .build();
        return new ChromeDriver(service, options);
    }
}
