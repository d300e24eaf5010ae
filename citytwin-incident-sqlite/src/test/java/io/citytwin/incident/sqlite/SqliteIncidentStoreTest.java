package io.citytwin.incident.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.citytwin.incident.Incident;
import io.citytwin.incident.IncidentStatus;
import io.citytwin.incident.IncidentStore;
import io.citytwin.incident.TimelineEntry;
import io.citytwin.testkit.FakeClock;
import io.citytwin.testkit.incident.IncidentStoreContract;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.Test;

class SqliteIncidentStoreTest extends IncidentStoreContract {
    @Override
    protected IncidentStore open(Path dir) {
        return SqliteIncidentStore.open(dir, new FakeClock());
    }

    @Test
    void timelineTable_refusesUpdateAndDelete_evenInRawSql() {
        try (SqliteIncidentStore s = SqliteIncidentStore.open(dir, new FakeClock())) {
            Incident i = incident(CITY_A, "inc-000001", IncidentStatus.NEW, T0);
            Incident v1 = with(i, i.category(), "d", 1);
            s.commit(new IncidentStore.Change(CITY_A, v1, List.of(), List.of(), List.of(entry(i.id(), 1, "created"))));
            assertThatThrownBy(() -> s.execute("UPDATE timeline SET body = '{}'"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("append-only");
            assertThatThrownBy(() -> s.execute("DELETE FROM timeline"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("append-only");
            assertThatThrownBy(() -> s.execute("INSERT OR REPLACE INTO timeline (tenant, incident, seq, body)"
                            + " VALUES ('city-a', 'inc-000001', 1, '{}')"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("append-only");
            assertThat(s.timeline(CITY_A, i.id()))
                    .extracting(TimelineEntry::action)
                    .containsExactly("created");
        }
    }
}
