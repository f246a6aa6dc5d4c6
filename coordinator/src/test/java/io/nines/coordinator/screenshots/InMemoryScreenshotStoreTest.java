package io.nines.coordinator.screenshots;

class InMemoryScreenshotStoreTest extends ScreenshotStoreContract {
  @Override
  ScreenshotStore newStore(long capacityBytes) {
    return new InMemoryScreenshotStore(capacityBytes, retention::get);
  }
}
