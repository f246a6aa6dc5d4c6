package io.nines.store.checklog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class AppliedSequencesTest {

  @Test
  void whenSequencesAreContiguous_thenOnlyTheWatermarkIsKept() {
    AppliedSequences seen = new AppliedSequences();

    for (long s = 1; s <= 1000; s++) {
      assertThat(seen.add(s)).isTrue();
    }

    assertThat(seen.watermark()).isEqualTo(1000);
    assertThat(seen.aboveCount()).isZero();
    assertThat(seen.add(500)).isFalse();
  }

  @Test
  void whenAGapStaysOpenTooLong_thenTheWatermarkJumpsItAndMemoryStaysBounded() {
    AppliedSequences seen = new AppliedSequences();
    seen.add(1);

    // Sequence 2 never comes.
    for (long s = 3; s <= AppliedSequences.MAX_ABOVE + 3; s++) {
      seen.add(s);
    }

    assertThat(seen.aboveCount()).isZero();
    assertThat(seen.watermark()).isEqualTo(AppliedSequences.MAX_ABOVE + 3);
    assertThat(seen.add(2)).as("a result from the jumped gap counts as a duplicate").isFalse();
  }

  @Test
  void whenOneCheckSeesEveryThirdSequence_thenForgettingOldOnesKeepsWhatIsHeldSmall() {
    AppliedSequences seen = new AppliedSequences();
    for (long s = 3; s <= 3000; s += 3) {
      seen.add(s);
    }
    assertThat(seen.aboveCount()).isEqualTo(1000);

    seen.forgetUpTo(2700);

    assertThat(seen.watermark()).isEqualTo(2700);
    assertThat(seen.aboveCount()).isEqualTo(100);
    assertThat(seen.contains(1)).as("below the watermark: consumed").isTrue();
    assertThat(seen.contains(2703)).isTrue();
    assertThat(seen.contains(2704)).isFalse();
  }

  @Test
  void whenRestoredFromUnsortedSequences_thenTheMessageSaysWhatWasExpected() {
    assertThatThrownBy(() -> new AppliedSequences(5, new long[] {7, 6}))
        .hasMessage("above[1]: 6 (expected: > 7; sorted, unique, above the watermark)");
  }

  @Property
  void anyOrderOfAddsKeepsExactlyTheSetAdded(
      @ForAll @Size(max = 300) List<@LongRange(min = 1, max = 400) Long> sequences) {
    AppliedSequences seen = new AppliedSequences();
    Set<Long> model = new HashSet<>();

    for (long s : sequences) {
      assertThat(seen.add(s)).isEqualTo(model.add(s));
    }

    for (long s = 1; s <= 400; s++) {
      assertThat(seen.contains(s)).as("sequence %s", s).isEqualTo(model.contains(s));
    }
    AppliedSequences restored = new AppliedSequences(seen.watermark(), seen.above());
    for (long s = 1; s <= 400; s++) {
      assertThat(restored.contains(s)).isEqualTo(model.contains(s));
    }
  }

  @Property
  void aUnionHoldsWhatEitherSideHeld(
      @ForAll @Size(max = 100) List<@LongRange(min = 1, max = 150) Long> left,
      @ForAll @Size(max = 100) List<@LongRange(min = 1, max = 150) Long> right,
      @ForAll @LongRange(min = 0, max = 150) long forgottenOnTheRight) {
    AppliedSequences a = new AppliedSequences();
    AppliedSequences b = new AppliedSequences();
    left.forEach(a::add);
    right.forEach(b::add);
    b.forgetUpTo(forgottenOnTheRight);

    AppliedSequences union = new AppliedSequences(a.watermark(), a.above());
    union.addAll(b);

    for (long s = 1; s <= 150; s++) {
      assertThat(union.contains(s)).as("sequence %s", s).isEqualTo(a.contains(s) || b.contains(s));
    }
  }
}
