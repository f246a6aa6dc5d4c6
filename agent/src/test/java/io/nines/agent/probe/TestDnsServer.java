package io.nines.agent.probe;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.dns.DatagramDnsQuery;
import io.netty.handler.codec.dns.DatagramDnsQueryDecoder;
import io.netty.handler.codec.dns.DatagramDnsResponse;
import io.netty.handler.codec.dns.DatagramDnsResponseEncoder;
import io.netty.handler.codec.dns.DefaultDnsRawRecord;
import io.netty.handler.codec.dns.DnsQuestion;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.DnsSection;
import io.netty.util.NetUtil;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An authoritative DNS server on 127.0.0.1 over UDP, built with Netty's DNS codec, for the zone
 * {@code nines.test}:
 *
 * <ul>
 *   <li>{@code shop.nines.test}: A 10.0.0.1 and 10.0.0.2, AAAA 2001:db8::1, MX 10 mx1 and 20 mx2,
 *       TXT "v=spf1 -all" and a DKIM-like value split in two strings;
 *   <li>{@code www.nines.test}: CNAME shop.nines.test. (an A query gets the chain);
 *   <li>{@code empty.nines.test}: exists with no records (NOERROR, no answer);
 *   <li>{@code broken.nines.test}: SERVFAIL;
 *   <li>any other name: NXDOMAIN with the zone's SOA.
 * </ul>
 */
final class TestDnsServer implements AutoCloseable {
  static final String ZONE = "nines.test.";
  static final String LONG_TXT_1 = "k=ed25519; p=" + "A".repeat(200);
  static final String LONG_TXT_2 = "B".repeat(100);

  private final EventLoopGroup group =
      new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final Channel channel;
  final AtomicInteger queries = new AtomicInteger();

  TestDnsServer() throws InterruptedException {
    channel =
        new Bootstrap()
            .group(group)
            .channel(NioDatagramChannel.class)
            .handler(
                new ChannelInitializer<DatagramChannel>() {
                  @Override
                  protected void initChannel(DatagramChannel ch) {
                    ch.pipeline()
                        .addLast(
                            new DatagramDnsQueryDecoder(),
                            new DatagramDnsResponseEncoder(),
                            new Responder());
                  }
                })
            .bind("127.0.0.1", 0)
            .sync()
            .channel();
  }

  int port() {
    return ((InetSocketAddress) channel.localAddress()).getPort();
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
  }

  private final class Responder extends SimpleChannelInboundHandler<DatagramDnsQuery> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramDnsQuery query) {
      queries.incrementAndGet();
      DnsQuestion question = query.recordAt(DnsSection.QUESTION);
      DatagramDnsResponse response =
          new DatagramDnsResponse(query.recipient(), query.sender(), query.id());
      response.setAuthoritativeAnswer(true).setRecursionDesired(query.isRecursionDesired());
      response.addRecord(DnsSection.QUESTION, question);
      String name = question.name().toLowerCase(Locale.ROOT);
      DnsRecordType type = question.type();
      switch (name) {
        case "shop.nines.test." -> shop(response, name, type);
        case "www.nines.test." -> {
          response.addRecord(
              DnsSection.ANSWER, record(name, DnsRecordType.CNAME, name("shop.nines.test.")));
          if (type == DnsRecordType.A) {
            shop(response, "shop.nines.test.", type);
          }
        }
        case "empty.nines.test." -> {}
        case "broken.nines.test." -> response.setCode(DnsResponseCode.SERVFAIL);
        default -> {
          response.setCode(DnsResponseCode.NXDOMAIN);
          ByteBuf soa = name("ns1.nines.test.");
          soa.writeBytes(name("hostmaster.nines.test."));
          soa.writeInt(2024010101).writeInt(3600).writeInt(600).writeInt(86400).writeInt(300);
          response.addRecord(DnsSection.AUTHORITY, record(ZONE, DnsRecordType.SOA, soa));
        }
      }
      ctx.writeAndFlush(response);
    }
  }

  private static void shop(DatagramDnsResponse response, String name, DnsRecordType type) {
    if (type == DnsRecordType.A) {
      for (String ip : List.of("10.0.0.1", "10.0.0.2")) {
        response.addRecord(
            DnsSection.ANSWER,
            record(
                name,
                type,
                Unpooled.wrappedBuffer(NetUtil.createByteArrayFromIpAddressString(ip))));
      }
    } else if (type == DnsRecordType.AAAA) {
      response.addRecord(
          DnsSection.ANSWER,
          record(
              name,
              type,
              Unpooled.wrappedBuffer(NetUtil.createByteArrayFromIpAddressString("2001:db8::1"))));
    } else if (type == DnsRecordType.MX) {
      for (int preference : new int[] {10, 20}) {
        ByteBuf mx = Unpooled.buffer().writeShort(preference);
        mx.writeBytes(name("mx" + preference / 10 + ".nines.test."));
        response.addRecord(DnsSection.ANSWER, record(name, type, mx));
      }
    } else if (type == DnsRecordType.TXT) {
      response.addRecord(DnsSection.ANSWER, record(name, type, txt("v=spf1 -all")));
      response.addRecord(DnsSection.ANSWER, record(name, type, txt(LONG_TXT_1, LONG_TXT_2)));
    }
  }

  private static DefaultDnsRawRecord record(String name, DnsRecordType type, ByteBuf content) {
    return new DefaultDnsRawRecord(name, type, 300, content);
  }

  /** A name in DNS wire form, uncompressed. */
  static ByteBuf name(String name) {
    ByteBuf buf = Unpooled.buffer();
    for (String label : name.split("\\.")) {
      if (!label.isEmpty()) {
        byte[] bytes = label.getBytes(StandardCharsets.US_ASCII);
        buf.writeByte(bytes.length).writeBytes(bytes);
      }
    }
    return buf.writeByte(0);
  }

  private static ByteBuf txt(String... strings) {
    ByteBuf buf = Unpooled.buffer();
    for (String s : strings) {
      byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
      buf.writeByte(bytes.length).writeBytes(bytes);
    }
    return buf;
  }
}
