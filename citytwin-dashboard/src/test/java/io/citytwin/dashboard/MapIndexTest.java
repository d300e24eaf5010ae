package io.citytwin.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.citytwin.event.ChangeEvent;
import io.citytwin.event.ChangeKind;
import io.citytwin.twin.Attribute;
import io.citytwin.twin.Entity;
import io.citytwin.twin.EntityId;
import io.citytwin.twin.TenantId;
import io.citytwin.twin.geo.GeoJson;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class MapIndexTest {
    static final String NS = "https://uri.etsi.org/ngsi-ld/default-context/";
    final MapIndex index = new MapIndex();
    final MapIndex.Box all = new MapIndex.Box(13, 52, 14, 53);

    static Entity lamp(String id, double lon, double lat, double watts) {
        return Entity.of(EntityId.of(id), NS + "Streetlight")
                .withAttribute(
                        NS + "location",
                        List.of(Attribute.geo(
                                GeoJson.parse(Map.of("type", "Point", "coordinates", List.of(lon, lat))))))
                .withAttribute(NS + "powerState", List.of(Attribute.property("on")))
                .withAttribute(NS + "ratedPower", List.of(Attribute.property(100L)))
                .withAttribute(NS + "powerConsumption", List.of(Attribute.property(watts)));
    }

    Optional<MapIndex.Change> apply(@Nullable Entity before, @Nullable Entity after) {
        ChangeKind kind = before == null ? ChangeKind.CREATED : after == null ? ChangeKind.DELETED : ChangeKind.UPDATED;
        EntityId id = (after != null ? after : before).id();
        return index.apply(new ChangeEvent(TenantId.DEFAULT, id, kind, before, after, Set.of(), Instant.EPOCH));
    }

    @Test
    void createUpdateDelete_followTheEntity() {
        Entity a = lamp("urn:ngsi-ld:Streetlight:a", 13.4, 52.5, 90);
        assertThat(apply(null, a))
                .hasValueSatisfying(c -> assertThat(c.before()).isNull());
        Marker m = index.find(TenantId.DEFAULT, "urn:ngsi-ld:Streetlight:a");
        assertThat(m).isNotNull();
        assertThat(m.state()).isEqualTo("on");
        assertThat(m.cell(MapIndex.MAX_RES)).isNotZero();

        // a new reading with the same state and place is no change for the map
        Entity a2 = lamp("urn:ngsi-ld:Streetlight:a", 13.4, 52.5, 91);
        assertThat(apply(a, a2)).isEmpty();

        Entity failed = lamp("urn:ngsi-ld:Streetlight:a", 13.4, 52.5, 0.5);
        assertThat(apply(a2, failed))
                .hasValueSatisfying(c -> assertThat(c.after().state()).isEqualTo("failed"));
        assertThat(apply(failed, null))
                .hasValueSatisfying(c -> assertThat(c.after()).isNull());
        assertThat(index.find(TenantId.DEFAULT, "urn:ngsi-ld:Streetlight:a")).isNull();
    }

    @Test
    void cells_nestAcrossResolutions_andKeepTheWorstState() {
        apply(null, lamp("urn:ngsi-ld:Streetlight:1", 13.40000, 52.50000, 90));
        apply(null, lamp("urn:ngsi-ld:Streetlight:2", 13.40001, 52.50001, 0.1));
        for (int res = MapIndex.MIN_RES; res <= MapIndex.MAX_RES; res++) {
            MapIndex.Cells c = index.cells(TenantId.DEFAULT, all, res, Set.of(MapLayer.LIGHTING), 100);
            assertThat(c.markers()).isEqualTo(2);
            assertThat(c.cells()).hasSize(1); // one metre apart: the same cell at every resolution up to 11
            assertThat(c.cells().get(0).worst()).isEqualTo(3);
            assertThat(c.cells().get(0).state()).isEqualTo("failed");
            assertThat(c.cells().get(0).layers()).containsEntry("lighting", 2);
        }
        assertThat(index.cells(TenantId.DEFAULT, all, 9, Set.of(MapLayer.AIR), 100)
                        .cells())
                .isEmpty();
        assertThat(index.cells(new TenantId("other"), all, 9, Set.of(MapLayer.LIGHTING), 100)
                        .cells())
                .as("tenants are separate")
                .isEmpty();
    }

    @Test
    void points_areCut_toTheBox() {
        apply(null, lamp("urn:ngsi-ld:Streetlight:in", 13.5, 52.5, 90));
        apply(null, lamp("urn:ngsi-ld:Streetlight:out", 13.9, 52.5, 90));
        MapIndex.Points p =
                index.points(TenantId.DEFAULT, new MapIndex.Box(13.4, 52.4, 13.6, 52.6), Set.of(MapLayer.LIGHTING), 10);
        assertThat(p.total()).isEqualTo(1);
        assertThat(p.markers()).extracting(Marker::id).containsExactly("urn:ngsi-ld:Streetlight:in");
    }

    @Test
    void vehicles_withoutLocation_useLongitudeAndLatitude() {
        Entity bus = Entity.of(EntityId.of("urn:ngsi-ld:Vehicle:1"), NS + "Vehicle")
                .withAttribute(NS + "longitude", List.of(Attribute.property(13.45)))
                .withAttribute(NS + "latitude", List.of(Attribute.property(52.51)))
                .withAttribute(NS + "speed", List.of(Attribute.property(0.0)));
        apply(null, bus);
        Marker m = index.find(TenantId.DEFAULT, "urn:ngsi-ld:Vehicle:1");
        assertThat(m).isNotNull();
        assertThat(m.layer()).isEqualTo(MapLayer.VEHICLES);
        assertThat(m.state()).isEqualTo("stopped");
        assertThat(m.lon()).isEqualTo(13.45);
    }

    @Test
    void resolution_followsTheZoom_withinTheAggregatedRange() {
        assertThat(MapIndex.resolutionFor(0)).isEqualTo(MapIndex.MIN_RES);
        assertThat(MapIndex.resolutionFor(13)).isEqualTo(8);
        assertThat(MapIndex.resolutionFor(22)).isEqualTo(MapIndex.MAX_RES);
    }
}
