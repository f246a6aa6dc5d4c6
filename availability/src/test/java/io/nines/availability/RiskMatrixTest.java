package io.nines.availability;

import static org.assertj.core.api.Assertions.assertThat;

import io.nines.availability.RiskMatrix.Level;
import io.nines.availability.RiskMatrix.Likelihood;
import io.nines.config.Tier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RiskMatrixTest {
  /** Every cell of the course's grid. */
  @ParameterizedTest(name = "{0}{1} = {2} {3}")
  @CsvSource({
    "A,1,8,MEDIUM", "A,2,16,HIGH", "A,3,18,HIGH", "A,4,23,CRITICAL", "A,5,25,CRITICAL",
    "B,1,7,MEDIUM", "B,2,10,MEDIUM", "B,3,17,HIGH", "B,4,20,HIGH", "B,5,24,CRITICAL",
    "C,1,3,LOW", "C,2,9,MEDIUM", "C,3,12,MEDIUM", "C,4,19,HIGH", "C,5,22,HIGH",
    "D,1,2,LOW", "D,2,5,LOW", "D,3,11,MEDIUM", "D,4,14,MEDIUM", "D,5,21,HIGH",
    "E,1,1,LOW", "E,2,4,LOW", "E,3,6,LOW", "E,4,13,MEDIUM", "E,5,15,MEDIUM"
  })
  void theGridMatchesTheCourse(Likelihood l, int consequence, int rating, Level level) {
    RiskMatrix.Cell cell = RiskMatrix.cell(l, consequence);
    assertThat(cell.rating()).isEqualTo(rating);
    assertThat(cell.level()).isEqualTo(level);
  }

  @ParameterizedTest(name = "{0} outages in {1} days -> {2}")
  @CsvSource({"0,90,E", "1,90,D", "3,90,C", "12,90,B", "24,90,A", "2,30,C", "8,30,A"})
  void likelihoodFollowsOutageFrequency(int outages, int days, Likelihood expected) {
    assertThat(RiskMatrix.likelihood(outages, days)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({"CRITICAL,5", "IMPORTANT,3", "NON_CRITICAL,2"})
  void consequenceFollowsTheTier(Tier tier, int consequence) {
    assertThat(RiskMatrix.consequence(tier)).isEqualTo(consequence);
  }
}
