/**
 * The configuration history: every applied configuration version, and from it when each check's
 * life and each configured maintenance window's definition began (availability's {@code
 * report.Lives}).
 */
package io.nines.coordinator.confighistory;
