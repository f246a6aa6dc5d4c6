package io.nines.coordinator.api;

import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

/**
 * The API's own description: the OpenAPI document at {@code GET /api/v1/openapi.yaml} and a
 * reference page rendering it with Swagger UI at {@code GET /api/docs}. Everything comes from the
 * classpath (the document from {@value #DOCUMENT}, Swagger UI from its WebJar), so the page works
 * with no internet; Swagger UI's online validator is turned off. Both are public, like the status
 * page: they describe the API, not its data.
 */
public final class OpenApiRoutes implements RouteGroup {
  /** Where the document is on the classpath. */
  public static final String DOCUMENT = "api/openapi.yaml";

  private static final String WEBJAR = "META-INF/resources/webjars/swagger-ui/";
  private static final String WEBJAR_POM = "META-INF/maven/org.webjars/swagger-ui/pom.properties";

  private final String document;
  private final String swaggerUiVersion;

  /**
   * Reads the document and finds Swagger UI's version once.
   *
   * @throws IllegalStateException when either is missing from the classpath (a broken build)
   */
  public OpenApiRoutes() {
    this.document = resource(DOCUMENT);
    Properties pom = new Properties();
    try (InputStream in = OpenApiRoutes.class.getClassLoader().getResourceAsStream(WEBJAR_POM)) {
      if (in == null) {
        throw new IllegalStateException(WEBJAR_POM + " is not on the classpath");
      }
      pom.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.swaggerUiVersion = pom.getProperty("version");
  }

  /** The OpenAPI document as served. */
  public static String resource(String path) {
    try (InputStream in = OpenApiRoutes.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException(path + " is not on the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void mount(Router router) {
    router
        .get("/api/v1/openapi.yaml")
        .handler(
            ctx ->
                ctx.response()
                    .putHeader(HttpHeaders.CONTENT_TYPE, "application/yaml; charset=utf-8")
                    .end(document));
    router
        .get("/api/docs")
        .handler(
            ctx ->
                ctx.response()
                    .putHeader(HttpHeaders.CONTENT_TYPE, "text/html; charset=utf-8")
                    .end(page()));
    router
        .get("/api/docs/init.js")
        .handler(
            ctx ->
                ctx.response()
                    .putHeader(HttpHeaders.CONTENT_TYPE, "text/javascript; charset=utf-8")
                    .end(INIT));
    router
        .get("/api/docs/assets/*")
        .handler(StaticHandler.create(WEBJAR + swaggerUiVersion).setMaxAgeSeconds(86400));
  }

  private static final String INIT =
      """
      window.ui = SwaggerUIBundle({
        url: "/api/v1/openapi.yaml",
        dom_id: "#swagger-ui",
        deepLinking: true,
        validatorUrl: null,
        presets: [SwaggerUIBundle.presets.apis],
        layout: "BaseLayout"
      });
      """;

  private String page() {
    return """
        <!doctype html>
        <html lang="en">
        <head>
          <meta charset="utf-8">
          <title>Nines API</title>
          <link rel="stylesheet" href="/api/docs/assets/swagger-ui.css">
        </head>
        <body>
          <div id="swagger-ui"></div>
          <script src="/api/docs/assets/swagger-ui-bundle.js"></script>
          <script src="/api/docs/init.js"></script>
        </body>
        </html>
        """;
  }
}
