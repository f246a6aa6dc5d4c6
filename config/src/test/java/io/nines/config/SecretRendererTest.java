package io.nines.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretRendererTest {
  @TempDir Path dir;

  /** An executor that runs nothing until the test says so, to show what runs where. */
  private final Queue<Runnable> worker = new ArrayDeque<>();

  private final Executor queued = worker::add;
  private final List<SecretRef> reads = new ArrayList<>();

  private SecretRenderer renderer(Map<String, String> env) {
    return new SecretRenderer(
        ref -> {
          reads.add(ref);
          return ref.resolve(env);
        },
        queued);
  }

  private static Template secret(SecretRef ref) {
    return new Template(ref.toString(), List.of(new Template.Secret(ref)));
  }

  private static Template text(String before, SecretRef ref, String after) {
    return new Template(
        before + ref + after,
        List.of(new Template.Text(before), new Template.Secret(ref), new Template.Text(after)));
  }

  private static SecretRef env(String name) {
    return new SecretRef(SecretRef.Kind.ENV, name);
  }

  private static Throwable failure(CompletableFuture<?> f) {
    assertThat(f).isCompletedExceptionally();
    try {
      f.get();
      throw new AssertionError("expected a failure");
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void whenOnlyEnvSecretsAreUsed_thenTheyAreReadAtOnceOnTheCallersThread() {
    CompletableFuture<SecretRenderer.Values> read =
        renderer(Map.of("TOKEN", "s3cret"))
            .read(List.of(text("Bearer ", env("TOKEN"), "")))
            .toCompletableFuture();

    assertThat(read).isDone();
    assertThat(worker).isEmpty();
    Redaction used = new Redaction("[redacted]");
    assertThat(read.join().render(text("Bearer ", env("TOKEN"), ""), v -> null, used))
        .isEqualTo("Bearer s3cret");
    assertThat(used.apply("echo: Bearer s3cret")).isEqualTo("echo: Bearer [redacted]");
  }

  @Test
  void whenAFileSecretIsUsed_thenEverySecretIsReadOnTheWorkerNotTheCaller() throws Exception {
    Path file = Files.writeString(dir.resolve("key"), "from-file\n");
    SecretRef fileRef = new SecretRef(SecretRef.Kind.FILE, file.toString());

    CompletableFuture<SecretRenderer.Values> read =
        renderer(Map.of("USER", "ops"))
            .read(List.of(secret(env("USER")), secret(fileRef)))
            .toCompletableFuture();

    assertThat(read).isNotDone();
    assertThat(reads).isEmpty();
    worker.remove().run();
    assertThat(reads).containsExactly(env("USER"), fileRef);
    assertThat(read.get().render(secret(fileRef), v -> null, new Redaction("*")))
        .as("a file's trailing newline is dropped")
        .isEqualTo("from-file");
  }

  @Test
  void whenNoTemplateHasASecret_thenNothingIsReadAndNullTemplatesAreSkipped() {
    List<Template> templates = new ArrayList<>();
    templates.add(Template.literal("https://shop.example/"));
    templates.add(null);

    CompletableFuture<SecretRenderer.Values> read =
        renderer(Map.of()).read(templates).toCompletableFuture();

    assertThat(read).isDone();
    assertThat(reads).isEmpty();
    assertThat(worker).isEmpty();
  }

  @Test
  void whenAnEnvSecretIsUnset_thenTheReadFailsNamingTheReference() {
    Throwable e =
        failure(renderer(Map.of()).read(List.of(secret(env("MISSING")))).toCompletableFuture());

    assertThat(e)
        .isInstanceOf(SecretRef.UnresolvedSecret.class)
        .hasMessage("${env:MISSING} is not set: export MISSING in the environment of the process");
  }

  @Test
  void whenASecretFileIsMissing_thenTheReadFailsOnTheWorkerNamingTheFile() {
    SecretRef missing = new SecretRef(SecretRef.Kind.FILE, dir.resolve("nope").toString());

    CompletableFuture<SecretRenderer.Values> read =
        renderer(Map.of()).read(List.of(secret(missing))).toCompletableFuture();
    worker.remove().run();

    assertThat(failure(read))
        .isInstanceOf(SecretRef.UnresolvedSecret.class)
        .hasMessage(missing + " can't be read: NoSuchFileException");
  }

  @Test
  void whenTheResolverThrowsSomethingElse_thenTheFailureNamesTheReferenceAndNotWhatItSaid() {
    SecretRenderer renderer =
        new SecretRenderer(
            ref -> {
              throw new IllegalArgumentException("the value was hunter2");
            },
            queued);

    Throwable e = failure(renderer.read(List.of(secret(env("X")))).toCompletableFuture());

    assertThat(e)
        .isInstanceOf(SecretRef.UnresolvedSecret.class)
        .hasMessage("${env:X} can't be read: java.lang.IllegalArgumentException");
  }

  @Test
  void whenTheResolverAnswersNull_thenTheReadFailsSayingTheSecretHasNoValue() {
    SecretRenderer renderer = new SecretRenderer(ref -> null, queued);

    Throwable e = failure(renderer.read(List.of(secret(env("X")))).toCompletableFuture());

    assertThat(e)
        .isInstanceOf(SecretRef.UnresolvedSecret.class)
        .hasMessage("${env:X} has no value");
  }

  @Test
  void whenTheWorkerRefusesTheRead_thenTheReadFails() {
    SecretRef file = new SecretRef(SecretRef.Kind.FILE, dir.resolve("key").toString());
    SecretRenderer renderer =
        new SecretRenderer(
            ref -> "unused",
            task -> {
              throw new java.util.concurrent.RejectedExecutionException("shut down");
            });

    assertThat(failure(renderer.read(List.of(secret(file))).toCompletableFuture()))
        .isInstanceOf(java.util.concurrent.RejectedExecutionException.class);
  }

  @Test
  void whenATemplateUsesASecretThatWasNotRead_thenRenderingFailsNamingIt() {
    SecretRenderer.Values none = SecretRenderer.Values.NONE;

    assertThatThrownBy(() -> none.render(secret(env("LATE")), v -> null, new Redaction("*")))
        .isInstanceOf(SecretRef.UnresolvedSecret.class)
        .hasMessage("${env:LATE} was not read before rendering");
  }

  @Test
  void whenATemplateUsesAVariable_thenItRendersFromTheVariablesAndAnUnknownOneIsNamed() {
    Template t =
        new Template("/users/${id}", List.of(new Template.Text("/users/"), new Template.Var("id")));

    assertThat(SecretRenderer.Values.NONE.render(t, Map.of("id", "42")::get, new Redaction("*")))
        .isEqualTo("/users/42");
    assertThatThrownBy(() -> SecretRenderer.Values.NONE.render(t, v -> null, new Redaction("*")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("variable 'id' has no value");
  }
}
