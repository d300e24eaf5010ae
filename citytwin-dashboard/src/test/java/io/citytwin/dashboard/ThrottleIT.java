package io.citytwin.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Many changes of one entity between two flushes reach a client as one entry (coalescing per entity). */
class ThrottleIT {
    @Test
    @SuppressWarnings("unchecked")
    void rapidChanges_ofOneEntity_coalesce_andTheLastOneWins() {
        DashboardOptions o = DashboardOptions.defaults().withFlush(Duration.ofSeconds(2), Duration.ofSeconds(2));
        try (TestNode node = new TestNode(o)) {
            Map<String, Object> bus = TestNode.entity("urn:ngsi-ld:Vehicle:bus-1", "Vehicle", 13.3, 52.5);
            bus.put("speed", TestNode.prop(30.0));
            node.upsert(List.of(bus));
            String view = "bbox=13.29,52.49,13.41,52.51&zoom=17&layers=vehicles";
            try (SseClient sse = new SseClient(node.http, node.base() + "/api/v1/dashboard/live?" + view)) {
                sse.await(e -> e.name().equals("hello"), Duration.ofSeconds(10));
                int updates = 30;
                double last = 0;
                for (int i = 1; i <= updates; i++) {
                    last = 13.3 + i * 0.003;
                    assertThat(node.patch(
                                            "/ngsi-ld/v1/entities/urn:ngsi-ld:Vehicle:bus-1/attrs",
                                            Map.of(
                                                    "location",
                                                    Map.of(
                                                            "type",
                                                            "GeoProperty",
                                                            "value",
                                                            Map.of(
                                                                    "type",
                                                                    "Point",
                                                                    "coordinates",
                                                                    List.of(last, 52.5)))))
                                    .status())
                            .isEqualTo(204);
                }
                String lastLon = "\"lon\":" + MapIndex.round6(last);
                sse.await(e -> e.name().equals("points") && e.data().contains(lastLon), Duration.ofSeconds(20));
                int entries = 0;
                for (SseClient.Event e : sse.seen) {
                    if (!e.name().equals("points")) {
                        continue;
                    }
                    List<Map<String, Object>> upsert = (List<Map<String, Object>>)
                            DashboardApiIT.read(e.data()).get("upsert");
                    long mine = upsert.stream()
                            .filter(p -> p.get("id").equals("urn:ngsi-ld:Vehicle:bus-1"))
                            .count();
                    assertThat(mine).as("one entry per entity per frame").isLessThanOrEqualTo(1);
                    entries += (int) mine;
                }
                assertThat(entries).as("30 moves coalesced into fewer frames").isLessThan(updates);
            }
        }
    }
}
