package io.citytwin.testkit;

import io.citytwin.twin.TwinRepository;
import java.nio.file.Path;

class InMemoryTwinRepositoryTest extends TwinRepositoryContract {
    @Override
    protected TwinRepository open(Path dir) {
        return new InMemoryTwinRepository();
    }

    @Override
    protected boolean durable() {
        return false;
    }
}
