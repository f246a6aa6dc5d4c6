package io.nines.coordinator.web;

import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * The dashboard's and the public status page's static pages under {@code /ui/} and their web jars
 * (see {@code docs/dashboard.md}). What the pages show they read from the API ({@code
 * api.DashboardRoutes}); this class serves files only.
 */
public final class WebRoutes {
  /** Adds the page routes to {@code router}; call before the router serves requests. */
  public void mount(Router router) {
    router.get("/").handler(ctx -> redirect(ctx, "/ui/"));
    // A route path matches with or without its trailing slash: only the bare one redirects.
    router
        .get("/ui")
        .handler(
            ctx -> {
              if (ctx.request().path().equals("/ui")) {
                redirect(ctx, "/ui/");
              } else {
                ctx.next();
              }
            });
    router
        .route("/ui/*")
        .handler(StaticHandler.create("web").setCachingEnabled(false).setIndexPage("index.html"));
    router
        .route("/webjars/*")
        .handler(StaticHandler.create("META-INF/resources/webjars").setMaxAgeSeconds(86400));
    router.get("/status").handler(ctx -> ctx.reroute("/ui/status.html"));
  }

  private static void redirect(RoutingContext ctx, String to) {
    ctx.response().setStatusCode(302).putHeader(HttpHeaders.LOCATION, to).end();
  }
}
