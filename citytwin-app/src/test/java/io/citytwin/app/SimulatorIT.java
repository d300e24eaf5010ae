package io.citytwin.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.citytwin.sim.Behaviour;
import io.citytwin.sim.City;
import io.citytwin.sim.CityGenerator;
import io.citytwin.sim.CitySize;
import io.citytwin.sim.CitySpec;
import io.citytwin.sim.Fault;
import io.citytwin.sim.FaultPlan;
import io.citytwin.sim.HttpCitySink;
import io.citytwin.sim.MqttCitySink;
import io.citytwin.sim.SimRunner;
import io.citytwin.sim.Simulation;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The simulated city through a real node's HTTP APIs: entities upserted, devices registered with tokens, a quarter
 * of an hour of telemetry sent as fast as possible, with a failed lamp and a device whose firmware sends garbage.
 */
class SimulatorIT {
    @TempDir
    Path dir;

    @Test
    void smallCity_provisionedAndRun_reachesTheTwin_withItsFaults() throws InterruptedException {
        City city = CityGenerator.generate(CitySpec.of(CitySize.SMALL, 21));
        Instant start = Instant.parse("2026-11-17T21:00:00Z"); // 22:00 in Berlin: lamps on at 75 %
        Instant end = start.plus(Duration.ofMinutes(15));
        City.Lamp failed = city.lamps().get(5);
        City.Lamp healthy = city.lamps().get(city.lamps().size() - 1);
        City.AirStation garbled = city.airStations().get(0);
        FaultPlan faults = new FaultPlan(List.of(
                new Fault("f-1", Fault.Type.LAMP_FAILURE, failed.id(), start, end),
                new Fault("f-2", Fault.Type.MALFORMED_PAYLOAD, garbled.id(), start, end)));
        Simulation sim = new Simulation(new Behaviour(city, ZoneId.of("Europe/Berlin"), faults));
        try (Node node = Node.start(
                        CityTwinConfig.defaults().override(0, "127.0.0.1", dir).withMqttPort(0),
                        InstantSource.system(),
                        Map.of());
                HttpCitySink sink =
                        new HttpCitySink(URI.create("http://127.0.0.1:" + node.httpPort()), "default", 32)) {
            SimRunner runner = new SimRunner(sim, sink, InstantSource.system(), d -> {});
            assertThat(runner.provisionEntities(500, n -> {})).isEqualTo(city.size());
            assertThat(runner.provisionDevices(1000, n -> {}))
                    .isEqualTo(sim.devices().size());
            long sent = runner.run(new SimRunner.Options(start, end, 0, Duration.ofMinutes(1)), p -> {});
            assertThat(sent).isGreaterThan(city.lamps().size() * 2L);
            assertThat(sink.stats().failed()).isZero();
            assertThat(sink.stats().rejected())
                    .as("garbage from the faulty air station")
                    .isPositive();
            assertThat(sink.stats().accepted() + sink.stats().rejected()).isEqualTo(sent);

            Api api = new Api(node.httpPort());
            // the twin also holds the Alert entities of the alarms the rule packs raised
            assertThat(node.twin().size()
                            - node.twin()
                                    .countOfType(
                                            io.citytwin.twin.TenantId.DEFAULT,
                                            io.citytwin.alarm.AlarmService.ALERT_TYPE))
                    .isEqualTo(city.size());
            long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
            while (api.get("/api/v1/alarms?type=lighting.lamp-failure&originator=" + failed.id())
                            .list()
                            .isEmpty()
                    && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(api.get("/api/v1/alarms?type=lighting.lamp-failure&originator=" + failed.id())
                            .list())
                    .as("the failed lamp's alarm from the lighting pack")
                    .hasSize(1);
            Map<String, Object> lamp =
                    api.get("/ngsi-ld/v1/entities/" + healthy.id()).obj();
            @SuppressWarnings("unchecked")
            Map<String, Object> power = (Map<String, Object>) lamp.get("powerConsumption");
            assertThat(((Number) power.get("value")).doubleValue()).isGreaterThan(0.5 * healthy.watts());
            assertThat(power).containsEntry("unitCode", "WTT").containsKey("observedAt");
            assertThat(lamp).containsKey("refStreetlightGroup");
            Object failedPower = api.get("/ngsi-ld/v1/entities/" + failed.id() + "?options=keyValues")
                    .obj()
                    .get("powerConsumption");
            assertThat(((Number) failedPower).doubleValue()).isLessThan(1.0);
            assertThat(api.get("/ngsi-ld/v1/entities?type=TrafficFlowObserved&q=intensity%3E0&count=true&limit=1")
                            .header("NGSILD-Results-Count"))
                    .isEqualTo(String.valueOf(city.detectors().size()));
        }
    }

    /**
     * The same city over the embedded MQTT broker: devices provisioned over HTTP, each publishing on its own connection
     * with its own token; the connection cap is set below the device count so that the rest go over HTTP, as they
     * would on a machine with a low open-files limit.
     */
    @Test
    void smallCity_overMqtt_oneConnectionPerDevice_reachesTheTwin() throws java.io.IOException {
        City city = CityGenerator.generate(CitySpec.of(CitySize.SMALL, 22));
        Instant start = Instant.parse("2026-11-17T21:00:00Z");
        Instant end = start.plus(Duration.ofMinutes(10));
        Simulation sim = new Simulation(new Behaviour(city, ZoneId.of("Europe/Berlin"), FaultPlan.none()));
        int cap = 1_000; // fewer than the devices that report within ten minutes
        try (Node node = Node.start(
                CityTwinConfig.defaults().override(0, "127.0.0.1", dir).withMqttPort(MqttIT.freePort()),
                InstantSource.system(),
                Map.of())) {
            URI http = URI.create("http://127.0.0.1:" + node.httpPort());
            try (MqttCitySink sink = new MqttCitySink(
                    MqttCitySink.Options.cityTwin("127.0.0.1", node.mqttPort(), "default", cap),
                    new HttpCitySink(http, "default", 32))) {
                SimRunner runner = new SimRunner(sim, sink, InstantSource.system(), d -> {});
                runner.provisionEntities(500, n -> {});
                runner.provisionDevices(1000, n -> {});
                long sent = runner.run(new SimRunner.Options(start, end, 0, Duration.ofMinutes(1)), p -> {});
                assertThat(sink.deviceConnections()).isEqualTo(cap);
                assertThat(sink.overflowDevices()).isPositive();
                assertThat(sink.stats().failed()).isZero();
                assertThat(sink.stats().rejected()).isZero();
                assertThat(sink.stats().accepted()).isEqualTo(sent);
            }
            // QoS 1 PUBACKs come once the reading is durable in the twin: every detector holds its readings
            Api api = new Api(node.httpPort());
            assertThat(node.twin().size()).isEqualTo(city.size());
            assertThat(api.get("/ngsi-ld/v1/entities?type=TrafficFlowObserved&q=intensity%3E0&count=true&limit=1")
                            .header("NGSILD-Results-Count"))
                    .isEqualTo(String.valueOf(city.detectors().size()));
            for (City.Lamp lamp : city.lamps()) { // some over MQTT, some over HTTP: every lamp reported
                Map<String, Object> l =
                        api.get("/ngsi-ld/v1/entities/" + lamp.id()).obj();
                @SuppressWarnings("unchecked")
                Map<String, Object> power = (Map<String, Object>) l.get("powerConsumption");
                assertThat(power).as(lamp.id()).containsKey("observedAt").containsEntry("unitCode", "WTT");
            }
            // vehicles report a geo:point: their location moves off the start of their road, and the spatial index
            // follows (a geo-query around where the twin says a vehicle is finds it)
            int moved = 0;
            for (City.Vehicle v : city.vehicles()) {
                Map<String, Object> e =
                        api.get("/ngsi-ld/v1/entities/" + v.id()).obj();
                @SuppressWarnings("unchecked")
                Map<String, Object> location = (Map<String, Object>) e.get("location");
                assertThat(location)
                        .as(v.id())
                        .containsEntry("type", "GeoProperty")
                        .containsKey("observedAt");
                @SuppressWarnings("unchecked")
                List<Double> at = (List<Double>) ((Map<String, Object>) location.get("value")).get("coordinates");
                City.RoadSegment road = city.roads().stream()
                        .filter(r -> r.id().equals(v.road()))
                        .findFirst()
                        .orElseThrow();
                double[] roadStart = city.spec().lonLat(road.start());
                if (at.get(0) != roadStart[0] || at.get(1) != roadStart[1]) {
                    moved++;
                }
                String near = "/ngsi-ld/v1/entities?type=Vehicle&georel=near%3BmaxDistance%3D%3D2&geometry=Point"
                        + "&coordinates=%5B" + at.get(0) + "," + at.get(1) + "%5D&limit=100";
                assertThat(api.get(near).list().toString()).as(v.id()).contains(v.id());
            }
            assertThat(moved).isEqualTo(city.vehicles().size());
        }
    }
}
