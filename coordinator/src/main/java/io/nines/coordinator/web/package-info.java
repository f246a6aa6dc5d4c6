/**
 * The dashboard's and status page's static pages. Their data comes from {@code /api/v1} (package
 * {@code api}); this package depends on neither {@code api} nor the read model.
 */
package io.nines.coordinator.web;
