package io.nines.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RedactionTest {
  @Test
  void whenTextHoldsASecret_thenEveryOccurrenceIsReplacedByTheMarker() {
    Redaction r = new Redaction("[redacted]");
    r.add("s3cret");

    assertThat(r.apply("token s3cret, again s3cret"))
        .isEqualTo("token [redacted], again [redacted]");
  }

  @Test
  void whenTextHoldsASecretUrlEncoded_thenTheEncodedFormIsReplacedToo() {
    Redaction r = new Redaction("****");
    r.add("a b/c=d");

    assertThat(r.apply("GET /hook?k=a+b%2Fc%3Dd failed")).isEqualTo("GET /hook?k=**** failed");
  }

  @Test
  void whenOneSecretHoldsAnother_thenTheLongerIsReplacedWhole() {
    Redaction r = new Redaction("****");
    r.add("abc");
    r.add("abcdef");

    assertThat(r.apply("key=abcdef")).isEqualTo("key=****");
  }

  @Test
  void whenAValueIsEmptyOrNull_thenNothingIsReplaced() {
    Redaction r = new Redaction("****");
    r.add("");
    r.add(null);

    assertThat(r.isEmpty()).isTrue();
    assertThat(r.apply("unchanged")).isEqualTo("unchanged");
    assertThat(r.apply(null)).isNull();
  }

  @Test
  void whenTheMarkerIsEmpty_thenConstructionFailsSayingWhatIsExpected() {
    assertThatThrownBy(() -> new Redaction(""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("marker: '' (expected: text such as [redacted])");
  }
}
