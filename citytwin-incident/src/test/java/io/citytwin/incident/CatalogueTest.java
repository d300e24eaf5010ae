package io.citytwin.incident;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.citytwin.twin.TwinException;
import java.time.ZoneId;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CatalogueTest {
    final Catalogue d = Catalogue.defaults(ZoneId.of("Asia/Shanghai"));

    @Test
    void defaults_followContractAAndTheGuangdongLimits() {
        assertThat(d.department(Category.STREETLIGHT, null)).isEqualTo("lighting");
        assertThat(d.department(Category.NOISE, "any")).isEqualTo("environment");
        assertThat(d.department(Category.GRAFFITI, null)).isEqualTo("sanitation");
        assertThat(d.department(Category.OTHER, null)).isEqualTo("citizen-services");
        assertThat(d.limit(IncidentType.ENQUIRY, Priority.NORMAL)).isEqualTo(SlaTarget.workingDays(2));
        assertThat(d.limit(IncidentType.HELP_REQUEST, Priority.NORMAL)).isEqualTo(SlaTarget.workingDays(10));
        assertThat(d.limit(IncidentType.SUGGESTION, Priority.LOW)).isEqualTo(SlaTarget.workingDays(10));
        assertThat(d.limit(IncidentType.COMPLAINT, Priority.NORMAL)).isEqualTo(SlaTarget.workingDays(15));
        assertThat(d.limit(IncidentType.VIOLATION_REPORT, Priority.NORMAL)).isEqualTo(SlaTarget.workingDays(15));
        assertThat(d.limit(IncidentType.SENSOR_ALARM, Priority.URGENT)).isEqualTo(SlaTarget.hours(2));
        for (IncidentType t : IncidentType.values()) {
            // low never gets longer than normal: the statutory limits are ceilings
            assertThat(d.limit(t, Priority.LOW).workingDays())
                    .isLessThanOrEqualTo(Math.max(d.limit(t, Priority.NORMAL).workingDays(), 0));
        }
        assertThat(d.warningFraction()).isEqualTo(0.8);
        assertThat(d.escalationRole()).isEqualTo("supervisor");
        assertThat(d.reopenEscalation()).isEqualTo(3);
    }

    @Test
    void json_roundTrips_andPartialEditsKeepTheRest() {
        assertThat(Catalogue.fromJson(d.toJson(), Catalogue.defaults(ZoneId.of("UTC"))))
                .isEqualTo(d);
        Catalogue e = Catalogue.fromJson(
                Map.of("dispatch", Map.of("tree", "forestry"), "warningFraction", 0.5, "reopenEscalation", 2L), d);
        assertThat(e.department(Category.TREE, null)).isEqualTo("forestry");
        assertThat(e.department(Category.ROAD, null)).isEqualTo("roads");
        assertThat(e.warningFraction()).isEqualTo(0.5);
        assertThat(e.reopenEscalation()).isEqualTo(2);
        assertThat(e.zone()).isEqualTo(ZoneId.of("Asia/Shanghai"));
    }

    @Test
    void invalidEdits_areRefusedWithIncidentInvalid() {
        for (Map<String, Object> bad : java.util.List.<Map<String, Object>>of(
                Map.of("dispatch", Map.of("lava", "x")),
                Map.of("dispatch", Map.of("road", "Not Valid")),
                Map.of("dispatch", "roads"),
                Map.of("sla", Map.of("enquiry", Map.of("normal", Map.of("workingDays", 0)))),
                Map.of("sla", Map.of("enquiry", Map.of("normal", Map.of("workingDays", 1.5)))),
                Map.of("sla", Map.of("enquiry", Map.of("sometime", Map.of("hours", 1)))),
                Map.of("warningFraction", 1.0),
                Map.of("reopenEscalation", 0L),
                Map.of("zone", "Mars/Olympus"),
                Map.of("colour", "red"))) {
            assertThatThrownBy(() -> Catalogue.fromJson(bad, d))
                    .as(bad.toString())
                    .isInstanceOfSatisfying(
                            TwinException.class, x -> assertThat(x.code()).isEqualTo("incident.invalid"));
        }
    }
}
