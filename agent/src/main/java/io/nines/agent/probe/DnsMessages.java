package io.nines.agent.probe;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.dns.DefaultDnsQuestion;
import io.netty.handler.codec.dns.DefaultDnsRecordDecoder;
import io.netty.handler.codec.dns.DnsPtrRecord;
import io.netty.handler.codec.dns.DnsQuestion;
import io.netty.handler.codec.dns.DnsRawRecord;
import io.netty.handler.codec.dns.DnsRecord;
import io.netty.handler.codec.dns.DnsRecordDecoder;
import io.netty.handler.codec.dns.DnsRecordEncoder;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.util.NetUtil;
import io.netty.util.ReferenceCountUtil;
import java.net.IDN;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * DNS queries and answers on the wire (RFC 1035), with Netty's DNS codec for names, questions and
 * records. Pure and thread-safe.
 */
final class DnsMessages {
  private DnsMessages() {}

  /** The UDP payload size announced with EDNS(0): large enough for most TXT sets, unfragmented. */
  static final int EDNS_UDP_PAYLOAD = 1232;

  /** The record types a dns check may query. */
  static final Map<String, DnsRecordType> TYPES =
      Map.of(
          "A", DnsRecordType.A,
          "AAAA", DnsRecordType.AAAA,
          "CNAME", DnsRecordType.CNAME,
          "MX", DnsRecordType.MX,
          "TXT", DnsRecordType.TXT);

  private static final String[] RCODES = {
    "NOERROR",
    "FORMERR",
    "SERVFAIL",
    "NXDOMAIN",
    "NOTIMP",
    "REFUSED",
    "YXDOMAIN",
    "YXRRSET",
    "NXRRSET",
    "NOTAUTH",
    "NOTZONE"
  };

  /** The name of a response code, e.g. {@code NXDOMAIN}; {@code RCODE12} for unnamed ones. */
  static String rcodeName(int rcode) {
    return rcode >= 0 && rcode < RCODES.length ? RCODES[rcode] : "RCODE" + rcode;
  }

  /**
   * A recursive query for one question, with an EDNS(0) OPT record.
   *
   * @throws IllegalArgumentException when {@code name} is not a valid domain name
   */
  static byte[] query(int id, String name, DnsRecordType type) {
    ByteBuf buf = Unpooled.buffer(64 + name.length());
    try {
      buf.writeShort(id);
      buf.writeShort(0x0100); // a standard query, recursion desired
      buf.writeShort(1); // questions
      buf.writeShort(0); // answers
      buf.writeShort(0); // authority records
      buf.writeShort(1); // additional records: the OPT below
      DnsRecordEncoder.DEFAULT.encodeQuestion(new DefaultDnsQuestion(name, type), buf);
      buf.writeByte(0); // the root name
      buf.writeShort(DnsRecordType.OPT.intValue());
      buf.writeShort(EDNS_UDP_PAYLOAD);
      buf.writeInt(0); // extended rcode, version 0, no flags
      buf.writeShort(0); // no options
      byte[] bytes = new byte[buf.readableBytes()];
      buf.readBytes(bytes);
      return bytes;
    } catch (IllegalArgumentException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    } finally {
      buf.release();
    }
  }

  /**
   * A decoded response.
   *
   * @param rcode the response code
   * @param authoritative the AA flag
   * @param truncated the TC flag: the answer did not fit
   * @param recursionAvailable the RA flag
   * @param answers the answer section, each record rendered as {@link Rendered}
   * @param authority the authority section, likewise
   */
  record Response(
      int rcode,
      boolean authoritative,
      boolean truncated,
      boolean recursionAvailable,
      List<Rendered> answers,
      List<Rendered> authority) {

    /** The data of the answers of {@code type}, in order, e.g. {@code ["10.0.0.1"]}. */
    List<String> answersOf(DnsRecordType type) {
      return answers.stream().filter(r -> r.type() == type.intValue()).map(Rendered::data).toList();
    }
  }

  /**
   * A record as people read it.
   *
   * @param name the owner name, with its trailing dot
   * @param type the numeric type
   * @param ttlSeconds time to live
   * @param data the record data: an address, a name, {@code "10 mx.example."}, the TXT text
   */
  record Rendered(String name, int type, long ttlSeconds, String data) {
    @Override
    public String toString() {
      return name + " " + ttlSeconds + " " + DnsRecordType.valueOf(type).name() + " " + data;
    }
  }

  /**
   * Decodes the response to a query, or returns null when {@code packet} is not that response
   * (another id, not a response, another question): a stray or spoofed packet to ignore.
   *
   * @throws IllegalArgumentException when it is the response but can't be decoded
   */
  static Response parse(byte[] packet, int id, String name, DnsRecordType type) {
    if (packet.length < 12) {
      return null;
    }
    ByteBuf buf = Unpooled.wrappedBuffer(packet);
    int flags;
    int questions;
    int answerCount;
    int authorityCount;
    if (buf.readUnsignedShort() != id) {
      return null;
    }
    flags = buf.readUnsignedShort();
    if ((flags & 0x8000) == 0) {
      return null;
    }
    questions = buf.readUnsignedShort();
    answerCount = buf.readUnsignedShort();
    authorityCount = buf.readUnsignedShort();
    buf.readUnsignedShort(); // additional records: not read
    try {
      DnsRecordDecoder decoder = DnsRecordDecoder.DEFAULT;
      if (questions > 0) {
        DnsQuestion question = decoder.decodeQuestion(buf);
        if (!sameName(question.name(), name) || question.type().intValue() != type.intValue()) {
          return null;
        }
        for (int i = 1; i < questions; i++) {
          decoder.decodeQuestion(buf);
        }
      }
      List<Rendered> answers = records(decoder, buf, answerCount);
      List<Rendered> authority = records(decoder, buf, authorityCount);
      return new Response(
          flags & 0x000f,
          (flags & 0x0400) != 0,
          (flags & 0x0200) != 0,
          (flags & 0x0080) != 0,
          answers,
          authority);
    } catch (Exception e) {
      throw new IllegalArgumentException(
          "a malformed DNS response ("
              + packet.length
              + " bytes): "
              + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()),
          e);
    }
  }

  private static List<Rendered> records(DnsRecordDecoder decoder, ByteBuf buf, int count)
      throws Exception {
    List<Rendered> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      DnsRecord record = decoder.decodeRecord(buf);
      if (record == null) {
        throw new IllegalArgumentException("the message ends inside record " + (i + 1));
      }
      try {
        out.add(
            new Rendered(
                record.name(), record.type().intValue(), record.timeToLive(), render(record)));
      } finally {
        ReferenceCountUtil.release(record);
      }
    }
    return out;
  }

  /** The data of a record as dig shows it; unknown types in the RFC 3597 form. */
  static String render(DnsRecord record) {
    if (record instanceof DnsPtrRecord ptr) {
      return ptr.hostname();
    }
    if (!(record instanceof DnsRawRecord raw)) {
      return "";
    }
    ByteBuf data = raw.content().duplicate();
    int type = record.type().intValue();
    if (type == DnsRecordType.A.intValue() && data.readableBytes() == 4
        || type == DnsRecordType.AAAA.intValue() && data.readableBytes() == 16) {
      byte[] address = new byte[data.readableBytes()];
      data.readBytes(address);
      return NetUtil.bytesToIpAddress(address);
    }
    if (type == DnsRecordType.CNAME.intValue() || type == DnsRecordType.NS.intValue()) {
      return DefaultDnsRecordDecoder.decodeName(data);
    }
    if (type == DnsRecordType.MX.intValue() && data.readableBytes() >= 3) {
      int preference = data.readUnsignedShort();
      return preference + " " + DefaultDnsRecordDecoder.decodeName(data);
    }
    if (type == DnsRecordType.TXT.intValue()) {
      // A TXT record is a list of strings of up to 255 bytes; long values (SPF, DKIM) are split
      // across them and mean their concatenation.
      StringBuilder text = new StringBuilder();
      while (data.isReadable()) {
        int length = data.readUnsignedByte();
        text.append(data.readCharSequence(length, StandardCharsets.UTF_8));
      }
      return text.toString();
    }
    if (type == DnsRecordType.SOA.intValue()) {
      String mname = DefaultDnsRecordDecoder.decodeName(data);
      String rname = DefaultDnsRecordDecoder.decodeName(data);
      StringBuilder soa = new StringBuilder(mname).append(' ').append(rname);
      for (int i = 0; i < 5 && data.readableBytes() >= 4; i++) {
        soa.append(' ').append(data.readUnsignedInt());
      }
      return soa.toString();
    }
    StringBuilder hex = new StringBuilder("\\# ").append(data.readableBytes()).append(' ');
    while (data.isReadable()) {
      hex.append(String.format(Locale.ROOT, "%02x", data.readUnsignedByte()));
    }
    return hex.toString().trim();
  }

  /** Whether {@code received} names {@code asked}, which Netty sent in its ASCII (IDN) form. */
  private static boolean sameName(String received, String asked) {
    return strip(received).equalsIgnoreCase(strip(IDN.toASCII(asked)));
  }

  private static String strip(String name) {
    return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
  }
}
