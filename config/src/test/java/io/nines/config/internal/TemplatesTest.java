package io.nines.config.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.nines.config.SecretRef;
import io.nines.config.Template;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TemplatesTest {
  private final List<String> errors = new ArrayList<>();

  private Template parse(String s) {
    return Templates.parse(s, errors::add);
  }

  @Test
  void whenATemplateHasReferences_thenItSplitsIntoTextVariablesAndSecrets() {
    Template t = parse("${base}/login?u=${env:USER_1}&k=${file:/run/key}");

    assertThat(t.parts())
        .containsExactly(
            new Template.Var("base"),
            new Template.Text("/login?u="),
            new Template.Secret(new SecretRef(SecretRef.Kind.ENV, "USER_1")),
            new Template.Text("&k="),
            new Template.Secret(new SecretRef(SecretRef.Kind.FILE, "/run/key")));
    assertThat(t.source()).isEqualTo("${base}/login?u=${env:USER_1}&k=${file:/run/key}");
    assertThat(errors).isEmpty();
  }

  @Test
  void whenDollarsAreNotReferences_thenTheyStayText() {
    Template t = parse("costs $5, $${literal} and $");

    assertThat(t.parts()).containsExactly(new Template.Text("costs $5, ${literal} and $"));
    assertThat(errors).isEmpty();
  }

  @Test
  void whenAReferenceIsMalformed_thenEachIsReportedAndKeptAsText() {
    Template t = parse("${} ${a b} ${env:1X} ${vault:x} ${open");

    assertThat(errors)
        .hasSize(5)
        .anyMatch(e -> e.contains("'${}', which is not a variable name"))
        .anyMatch(e -> e.contains("'${env:1X}', but an environment variable name"))
        .anyMatch(e -> e.contains("unknown kind 'vault'"))
        .anyMatch(e -> e.contains("no closing '}'"));
    assertThat(t.parts()).allMatch(p -> p instanceof Template.Text);
  }
}
