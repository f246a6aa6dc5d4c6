package io.nines.agent.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class CookieJarTest {
  private static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");
  private final CookieJar jar = new CookieJar();

  private void set(String url, String... headers) {
    jar.store(URI.create(url), List.of(headers), NOW);
  }

  private String sent(String url) {
    return jar.header(URI.create(url));
  }

  @Test
  void whenAHostSetsACookie_thenOnlyThatHostGetsItBack() {
    set("https://shop.example/login", "session=abc; Path=/; HttpOnly");

    assertThat(sent("https://shop.example/account")).isEqualTo("session=abc");
    assertThat(sent("https://api.shop.example/account")).isNull();
    assertThat(sent("https://evil.example/")).isNull();
  }

  @Test
  void whenACookieNamesItsDomain_thenSubdomainsGetItButOtherDomainsCannotSetIt() {
    set("https://www.shop.example/", "a=1; Domain=.shop.example", "b=2; Domain=other.example");

    assertThat(sent("https://api.shop.example/")).isEqualTo("a=1");
    assertThat(sent("https://other.example/")).isNull();
  }

  @Test
  void whenNoPathIsGiven_thenTheDefaultPathIsTheRequestsDirectory() {
    set("http://shop.example/app/login", "s=1");

    assertThat(sent("http://shop.example/app/cart")).isEqualTo("s=1");
    assertThat(sent("http://shop.example/application")).isNull();
    assertThat(sent("http://shop.example/")).isNull();
  }

  @Test
  void whenCookiesShareAName_thenTheLongerPathComesFirst() {
    set("http://shop.example/", "id=root; Path=/", "id=app; Path=/app");

    assertThat(sent("http://shop.example/app/x")).isEqualTo("id=app; id=root");
  }

  @Test
  void whenACookieIsSecure_thenItIsNeverSentOverPlainHttp() {
    set("https://shop.example/", "s=1; Secure; Path=/");

    assertThat(sent("https://shop.example/")).isEqualTo("s=1");
    assertThat(sent("http://shop.example/")).isNull();
  }

  @Test
  void whenAResponseExpiresACookie_thenItIsDeleted() {
    set("http://shop.example/", "a=1; Path=/", "b=2; Path=/", "c=3; Path=/");
    set(
        "http://shop.example/logout",
        "a=; Path=/; Max-Age=0",
        "b=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT",
        "c=4; Path=/; Expires=Wed, 21-Oct-2099 07:28:00 GMT");

    assertThat(sent("http://shop.example/")).isEqualTo("c=4");
  }

  @Test
  void whenATargetSetsTooManyOrTooLargeCookies_thenTheJarStaysBounded() {
    for (int i = 0; i < CookieJar.MAX_COOKIES + 10; i++) {
      set("http://shop.example/", "c" + i + "=v; Path=/");
    }
    set("http://shop.example/", "huge=" + "x".repeat(CookieJar.MAX_COOKIE_CHARS) + "; Path=/");

    assertThat(jar.size()).isEqualTo(CookieJar.MAX_COOKIES);
    assertThat(sent("http://shop.example/")).startsWith("c10=v; ").doesNotContain("huge");
  }

  @Test
  void whenAnIpAddressSetsACookie_thenItIsHostOnly() {
    set("http://127.0.0.1:8080/", "s=1; Path=/", "t=2; Domain=0.0.1");

    assertThat(sent("http://127.0.0.1:9090/x")).isEqualTo("s=1");
  }
}
