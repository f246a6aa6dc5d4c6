/**
 * Small collections kept as JSON documents by key ({@link io.nines.store.documents.Documents}):
 * maintenance windows and configuration history, in a cluster map or in the database's {@code
 * documents} table.
 */
package io.nines.store.documents;
