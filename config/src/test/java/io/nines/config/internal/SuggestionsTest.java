package io.nines.config.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SuggestionsTest {
  private static final List<String> CHECK_KEYS = CheckReader.CHECK_KEYS;

  @Test
  void whenAKeyIsATypo_thenTheClosestKeyIsSuggested() {
    assertThat(Suggestions.closest("evrey", CHECK_KEYS)).isEqualTo("every");
    assertThat(Suggestions.closest("timout", CHECK_KEYS)).isEqualTo("timeout");
    assertThat(Suggestions.closest("locaitons", CHECK_KEYS)).isEqualTo("locations");
    assertThat(Suggestions.closest("depends_on", List.of("depends-on"))).isEqualTo("depends-on");
    assertThat(Suggestions.closest("Every", CHECK_KEYS)).isEqualTo("every");
  }

  @Test
  void whenAKeyIsNothingLikeAnyOther_thenNothingIsSuggested() {
    assertThat(Suggestions.closest("frequency", CHECK_KEYS)).isNull();
    assertThat(Suggestions.didYouMean("xyz", CHECK_KEYS)).isEmpty();
  }

  @Test
  void whenManyNamesExist_thenTheListIsCut() {
    List<String> names = IntStream.range(0, 25).mapToObj(i -> "s" + i).toList();

    assertThat(Suggestions.list(names)).endsWith("s19, ... (5 more)");
    assertThat(Suggestions.list(List.of())).isEqualTo("none");
  }
}
