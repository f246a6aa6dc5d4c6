package io.nines.agent.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.dns.DnsRecordType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dns probe's parsing, without sockets. */
class DnsProbeTest {

  @Test
  void whenServersAreWrittenInEachForm_thenTheyParse() {
    assertThat(DnsProbe.Server.parse("10.0.0.53")).isEqualTo(new DnsProbe.Server("10.0.0.53", 53));
    assertThat(DnsProbe.Server.parse("1.1.1.1:5353"))
        .isEqualTo(new DnsProbe.Server("1.1.1.1", 5353));
    assertThat(DnsProbe.Server.parse("dns.example:53"))
        .isEqualTo(new DnsProbe.Server("dns.example", 53));
    assertThat(DnsProbe.Server.parse("[::1]:5353")).isEqualTo(new DnsProbe.Server("::1", 5353));
    assertThat(DnsProbe.Server.parse("2001:db8::53"))
        .isEqualTo(new DnsProbe.Server("2001:db8::53", 53));
    assertThat(DnsProbe.Server.parse("[::1]:5353").toString()).isEqualTo("[::1]:5353");
  }

  @Test
  void whenAServerIsMalformed_thenTheErrorSaysWhatIsExpected() {
    for (String bad : new String[] {"", "host:", "host:abc", "host:0", "[::1", "[::1]x", ":53"}) {
      assertThatThrownBy(() -> DnsProbe.Server.parse(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("'" + bad + "'")
          .hasMessageContaining("host:port");
    }
  }

  @Test
  void whenResolvConfHasNameservers_thenTheFirstIsUsed(@TempDir Path dir) throws IOException {
    Path file =
        Files.writeString(
            dir.resolve("resolv.conf"),
            "# generated\nsearch corp.example\n  nameserver\t10.0.0.53\nnameserver 10.0.0.54\n");
    assertThat(DnsProbe.firstNameserver(file)).isEqualTo("10.0.0.53");
  }

  @Test
  void whenResolvConfHasNoNameserver_thenTheErrorNamesTheFile(@TempDir Path dir)
      throws IOException {
    Path file = Files.writeString(dir.resolve("resolv.conf"), "search corp.example\n");
    assertThatThrownBy(() -> DnsProbe.firstNameserver(file))
        .hasMessageContaining(file.toString())
        .hasMessageContaining("no nameserver line");
    assertThatThrownBy(() -> DnsProbe.firstNameserver(dir.resolve("missing")))
        .hasMessageContaining("can't be read");
  }

  /** A response for shop.nines.test MX whose exchange name points into the question. */
  private static byte[] compressedMxResponse(int id, int flags) {
    ByteBuf b = Unpooled.buffer();
    b.writeShort(id).writeShort(flags).writeShort(1).writeShort(1).writeShort(0).writeShort(0);
    b.writeBytes(TestDnsServer.name("shop.nines.test.")); // at offset 12; "nines" at 17
    b.writeShort(DnsRecordType.MX.intValue()).writeShort(1);
    b.writeShort(0xc00c); // the owner: a pointer to the question's name
    b.writeShort(DnsRecordType.MX.intValue()).writeShort(1).writeInt(300);
    b.writeShort(2 + 4 + 2);
    b.writeShort(10);
    b.writeByte(3).writeBytes("mx1".getBytes(StandardCharsets.US_ASCII));
    b.writeShort(0xc011); // "nines.test."
    byte[] bytes = new byte[b.readableBytes()];
    b.readBytes(bytes);
    return bytes;
  }

  @Test
  void whenNamesAreCompressed_thenTheyAreReadWhole() {
    DnsMessages.Response r =
        DnsMessages.parse(
            compressedMxResponse(0x1234, 0x8583), 0x1234, "shop.nines.test", DnsRecordType.MX);
    assertThat(r.answersOf(DnsRecordType.MX)).containsExactly("10 mx1.nines.test.");
    assertThat(r.answers().get(0).name()).isEqualTo("shop.nines.test.");
    assertThat(DnsMessages.rcodeName(r.rcode())).isEqualTo("NXDOMAIN");
    assertThat(r.authoritative()).isTrue();
    assertThat(r.truncated()).isFalse();
  }

  @Test
  void whenAPacketIsNotTheAnswerToTheQuery_thenItIsIgnored() {
    byte[] packet = compressedMxResponse(0x1234, 0x8180);
    assertThat(DnsMessages.parse(packet, 0x4321, "shop.nines.test", DnsRecordType.MX)).isNull();
    assertThat(DnsMessages.parse(packet, 0x1234, "other.nines.test", DnsRecordType.MX)).isNull();
    assertThat(DnsMessages.parse(packet, 0x1234, "shop.nines.test", DnsRecordType.A)).isNull();
    byte[] query = compressedMxResponse(0x1234, 0x0100);
    assertThat(DnsMessages.parse(query, 0x1234, "shop.nines.test", DnsRecordType.MX)).isNull();
  }

  @Test
  void whenTheAnswerIsCutShort_thenItIsMalformed() {
    byte[] packet = compressedMxResponse(0x1234, 0x8180);
    byte[] cut = java.util.Arrays.copyOf(packet, packet.length - 3);
    assertThatThrownBy(() -> DnsMessages.parse(cut, 0x1234, "shop.nines.test", DnsRecordType.MX))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("malformed");
  }

  @Test
  void whenAQueryIsBuilt_thenItAsksOneQuestionWithEdns() {
    byte[] q = DnsMessages.query(0xbeef, "shop.nines.test", DnsRecordType.TXT);
    ByteBuf b = Unpooled.wrappedBuffer(q);
    assertThat(b.readUnsignedShort()).isEqualTo(0xbeef);
    assertThat(b.readUnsignedShort()).isEqualTo(0x0100); // recursion desired
    assertThat(b.readUnsignedShort()).isEqualTo(1);
    b.skipBytes(4);
    assertThat(b.readUnsignedShort()).isEqualTo(1); // the OPT record
    assertThat(DnsMessages.rcodeName(2)).isEqualTo("SERVFAIL");
    assertThat(DnsMessages.rcodeName(23)).isEqualTo("RCODE23");
  }
}
