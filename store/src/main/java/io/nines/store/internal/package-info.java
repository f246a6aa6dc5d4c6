/** What the stores share and other modules must not use. */
package io.nines.store.internal;
