package io.nines.store.alerts;

/** The alert store contract on a single coordinator without a database. */
class InMemoryAlertStoreTest extends AlertStoreContract {
  @Override
  AlertStore newStore() {
    return new InMemoryAlertStore(FLEET);
  }

  @Override
  Outbox writeAhead() {
    return null;
  }
}
