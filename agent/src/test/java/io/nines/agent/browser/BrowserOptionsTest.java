package io.nines.agent.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BrowserOptionsTest {
  @Test
  void whenNothingIsSet_thenBrowsersAreOnWithAPoolOfTwo() {
    assertThat(BrowserOptions.fromEnv(Map.of())).isEqualTo(new BrowserOptions(true, null, 2));
  }

  @Test
  void whenChromiumIsNamedOrOff_thenThatHolds() {
    assertThat(
            BrowserOptions.fromEnv(
                Map.of("NINES_CHROMIUM", "/opt/chrome", "NINES_BROWSER_POOL", "4")))
        .isEqualTo(new BrowserOptions(true, "/opt/chrome", 4));
    assertThat(BrowserOptions.fromEnv(Map.of("NINES_CHROMIUM", "OFF")).enabled()).isFalse();
  }

  @Test
  void whenThePoolIsNotANumberInRange_thenTheErrorSaysWhatItMustBe() {
    assertThatThrownBy(() -> BrowserOptions.fromEnv(Map.of("NINES_BROWSER_POOL", "0")))
        .hasMessage("NINES_BROWSER_POOL was '0' but it must be a whole number from 1 to 32");
    assertThatThrownBy(() -> BrowserOptions.fromEnv(Map.of("NINES_BROWSER_POOL", "many")))
        .hasMessage("NINES_BROWSER_POOL was 'many' but it must be a whole number from 1 to 32");
  }

  @Test
  void whenTheAgentRunsAsRoot_thenOnlyThenChromiumRunsWithoutItsSandbox() {
    Path exe = Path.of("/usr/bin/chromium");
    Path profile = Path.of("/tmp/p");

    assertThat(Chromium.command(exe, profile, 1280, 720, true)).contains("--no-sandbox");
    assertThat(Chromium.command(exe, profile, 1280, 720, false))
        .doesNotContain("--no-sandbox")
        .contains(
            "--headless=new",
            "--remote-debugging-port=0",
            "--user-data-dir=/tmp/p",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-gpu");
  }

  @Test
  void whenAKeyIsNamed_thenItsDevToolsEventIsKnown() {
    assertThat(Keys.of("Enter")).isEqualTo(new Keys.Key("Enter", "Enter", 13, "\r"));
    assertThat(Keys.of("a")).isEqualTo(new Keys.Key("a", "KeyA", 'A', "a"));
    assertThat(Keys.of("Escape").text()).isNull();
  }
}
