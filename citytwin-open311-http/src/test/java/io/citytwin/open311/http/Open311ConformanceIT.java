package io.citytwin.open311.http;

import io.citytwin.http.ApiServer;
import io.citytwin.ngsild.ContextResolver;
import io.citytwin.ngsild.EntityCodec;
import io.citytwin.open311.Service;
import io.citytwin.open311.ServiceDefinition;
import io.citytwin.testkit.InMemoryTwinRepository;
import io.citytwin.testkit.open311.InMemoryServiceDesk;
import io.citytwin.testkit.open311.Open311Conformance;
import io.citytwin.twin.TenantId;
import io.citytwin.twin.Twin;
import io.citytwin.twin.geo.GeoJson;
import java.net.URI;
import java.time.InstantSource;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The conformance suite against a real API server on loopback with the Open311 extension over the in-memory desk,
 * with an api key, a jurisdiction, a service with a required attribute and a batch service.
 */
class Open311ConformanceIT extends Open311Conformance {
    static final String KEY = "conformance-key";
    static final String JURISDICTION = "citytwin.test";

    static InMemoryServiceDesk desk;
    static ApiServer api;

    @BeforeAll
    static void start() {
        desk = new InMemoryServiceDesk(InstantSource.system())
                .withService(
                        new Service(
                                "bulky-item",
                                "Bulky item pick-up",
                                "Furniture or appliances left on the street.",
                                true,
                                Service.Type.REALTIME,
                                List.of("sofa", "fridge"),
                                "sanitation"),
                        new ServiceDefinition(
                                "bulky-item",
                                List.of(new ServiceDefinition.Attribute(
                                        true,
                                        "size",
                                        ServiceDefinition.Datatype.SINGLEVALUELIST,
                                        true,
                                        "",
                                        1,
                                        "How big is it?",
                                        List.of(
                                                new ServiceDefinition.Value("small", "Fits in a car"),
                                                new ServiceDefinition.Value("large", "Needs a truck"))))))
                .withService(
                        new Service(
                                "abandoned-bike",
                                "Abandoned bicycle",
                                "A bicycle left chained for weeks.",
                                false,
                                Service.Type.BATCH,
                                List.of("bike"),
                                "sanitation"),
                        new ServiceDefinition("abandoned-bike", List.of()));
        api = ApiServer.builder()
                .twin(new Twin(new InMemoryTwinRepository(), InstantSource.system()))
                .contexts(ContextResolver.builder().allowRemote(false).build())
                .codec(new EntityCodec(GeoJson::parse))
                .host("127.0.0.1")
                .port(0)
                .extension(new Open311Api(
                        desk,
                        Open311Options.DEFAULTS.withApiKeys(Set.of(KEY)).withJurisdiction(JURISDICTION),
                        InstantSource.system()))
                .build()
                .start();
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    @Override
    protected URI baseUri() {
        return URI.create("http://127.0.0.1:" + api.port());
    }

    @Override
    protected String apiKey() {
        return KEY;
    }

    @Override
    protected String jurisdictionId() {
        return JURISDICTION;
    }

    @Override
    protected boolean closeRequest(String id, String notes) {
        return desk.close(TenantId.DEFAULT, id, notes);
    }
}
