/**
 * What only the demo (`nines up`) needs: the dashboard demo panel's relay to the demo shop's fault
 * switches. It sits above {@code api} (it replies in the API's error shape) and nothing in the
 * product depends on it.
 */
package io.nines.coordinator.demo;
