package io.citytwin.testkit.device;

import io.citytwin.device.DeviceRegistry;
import java.nio.file.Path;

class InMemoryDeviceRegistryTest extends DeviceRegistryContract {
    @Override
    protected DeviceRegistry open(Path dir) {
        return new InMemoryDeviceRegistry();
    }

    @Override
    protected boolean durable() {
        return false;
    }
}
