package io.nines.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What {@code nines up} prints. */
class UpCommandTest {
  @Test
  void whenTheShopRunsOnItsDefaultPort_thenTheFaultHintNeedsNoShopOption() {
    assertThat(UpCommand.faultHint("http://127.0.0.1:8070"))
        .isEqualTo("./nines demo fault payments outage --for 2m");
  }

  @Test
  void whenTheShopRunsOnAnotherPort_thenTheFaultHintPointsAtIt() {
    String hint = UpCommand.faultHint("http://127.0.0.1:9170");

    assertThat(hint)
        .isEqualTo("./nines demo fault payments outage --for 2m --shop http://127.0.0.1:9170");
    // The hint parses as the command it names.
    DemoCommand.FaultCmd fault = new DemoCommand.FaultCmd();
    new picocli.CommandLine(fault).parseArgs(hint.substring(hint.indexOf("payments")).split(" "));
    assertThat(fault.shop).isEqualTo("http://127.0.0.1:9170");
  }
}
