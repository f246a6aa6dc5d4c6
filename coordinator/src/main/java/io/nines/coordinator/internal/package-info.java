/** The coordinator's internals: HTTP handlers, JSON views and the glue between store and core. */
package io.nines.coordinator.internal;
