package io.citytwin.testkit.incident;

import io.citytwin.incident.InMemoryIncidentStore;
import io.citytwin.incident.IncidentStore;
import java.nio.file.Path;

class InMemoryIncidentStoreTest extends IncidentStoreContract {
    @Override
    protected IncidentStore open(Path dir) {
        return new InMemoryIncidentStore();
    }

    @Override
    protected boolean durable() {
        return false;
    }
}
