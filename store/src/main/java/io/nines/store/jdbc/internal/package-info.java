/** The SQL of the durable store and the checks map's MapStore; not an API. */
package io.nines.store.jdbc.internal;
