/** The agent fleet as the coordinator sees it: who may post results, as whom. */
package io.nines.coordinator.fleet;
