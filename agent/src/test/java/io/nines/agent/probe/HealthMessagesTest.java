package io.nines.agent.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

class HealthMessagesTest {
  private static Buffer bytes(int... b) {
    Buffer out = Buffer.buffer();
    for (int x : b) {
      out.appendByte((byte) x);
    }
    return out;
  }

  @Test
  void whenTheServiceIsEmpty_thenTheRequestIsEmptyAsProto3WritesIt() {
    assertThat(HealthMessages.request("").length()).isZero();
  }

  @Test
  void whenAServiceIsNamed_thenTheRequestIsField1LengthDelimited() {
    assertThat(HealthMessages.request("shop.Orders"))
        .isEqualTo(
            Buffer.buffer()
                .appendByte((byte) 0x0a)
                .appendByte((byte) 11)
                .appendString("shop.Orders"));
    // 200 bytes take a two-byte length.
    Buffer long200 = HealthMessages.request("x".repeat(200));
    assertThat(long200.getBytes(0, 3)).containsExactly(0x0a, 0xc8 - 256, 0x01);
    assertThat(long200.length()).isEqualTo(203);
  }

  @Test
  void whenAResponseIsRead_thenItsStatusIsNamedAndAMissingFieldIsUnknown() {
    assertThat(HealthMessages.servingStatus(bytes(0x08, 0x01))).isEqualTo("SERVING");
    assertThat(HealthMessages.servingStatus(bytes(0x08, 0x02))).isEqualTo("NOT_SERVING");
    assertThat(HealthMessages.servingStatus(bytes(0x08, 0x03))).isEqualTo("SERVICE_UNKNOWN");
    assertThat(HealthMessages.servingStatus(bytes())).isEqualTo("UNKNOWN");
    assertThat(HealthMessages.servingStatus(bytes(0x08, 0x09))).isEqualTo("status 9");
  }

  @Test
  void whenAResponseHasOtherFields_thenTheyAreSkipped() {
    // field 2 (string "ab"), field 3 fixed64, field 4 fixed32, then status SERVING.
    Buffer m =
        bytes(0x12, 0x02, 'a', 'b', 0x19, 1, 2, 3, 4, 5, 6, 7, 8, 0x25, 1, 2, 3, 4, 0x08, 0x01);
    assertThat(HealthMessages.servingStatus(m)).isEqualTo("SERVING");
  }

  @Test
  void whenAResponseIsMalformed_thenItSaysWhere() {
    assertThatThrownBy(() -> HealthMessages.servingStatus(bytes(0x08)))
        .isInstanceOf(HealthMessages.MalformedMessage.class)
        .hasMessage("a number cut short at byte 1");
    assertThatThrownBy(() -> HealthMessages.servingStatus(bytes(0x12, 0x05, 'a')))
        .hasMessage("a field cut short at byte 2");
    assertThatThrownBy(() -> HealthMessages.servingStatus(bytes(0x0f)))
        .hasMessage("wire type 7 of field 1");
  }
}
