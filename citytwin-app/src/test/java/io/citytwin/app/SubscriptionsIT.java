package io.citytwin.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The subscription API and notifications end to end: a real node, a real HTTP receiver and Mosquitto. */
class SubscriptionsIT {
    static final String S = "/ngsi-ld/v1/subscriptions";
    static final String E = "/ngsi-ld/v1/entities";
    static final String NS = "https://uri.etsi.org/ngsi-ld/default-context/";

    @TempDir
    static Path dir;

    static Node node;
    static Api api;
    static Receiver receiver;

    @BeforeAll
    static void start() throws Exception {
        node = Node.start(
                CityTwinConfig.defaults().override(0, "127.0.0.1", dir).withMqttPort(0),
                InstantSource.system(),
                Map.of());
        api = new Api(node.httpPort()).withHeader("NGSILD-Tenant", "subs");
        receiver = new Receiver();
    }

    @AfterAll
    static void stop() {
        receiver.close();
        node.close();
    }

    static Map<String, Object> sub(String id, String path, Object... members) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("id", id);
        s.put("type", "Subscription");
        Map<String, Object> endpoint = new LinkedHashMap<>();
        endpoint.put("uri", path.contains("://") ? path : receiver.url(path));
        s.put("notification", new LinkedHashMap<>(Map.of("endpoint", endpoint)));
        for (int i = 0; i < members.length; i += 2) {
            s.put((String) members[i], members[i + 1]);
        }
        return s;
    }

    static Map<String, Object> street(String id, double temperature) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("id", id);
        e.put("type", "Street");
        e.put("temperature", Map.of("type", "Property", "value", temperature));
        e.put("name", Map.of("type", "Property", "value", "Main street"));
        e.put(
                "location",
                Map.of("type", "GeoProperty", "value", Map.of("type", "Point", "coordinates", List.of(8.68, 49.41))));
        return e;
    }

    static void setTemperature(String id, double t) {
        assertThat(api.patch(E + "/" + id + "/attrs", Map.of("temperature", Map.of("type", "Property", "value", t)))
                        .status())
                .isEqualTo(204);
    }

    static String uid() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    // ------------------------------------------------------------------------------------------- CRUD

    @Test
    void crud_createRetrieveListPatchDelete() {
        String id = "urn:ngsi-ld:Subscription:crud-" + uid();
        Map<String, Object> body = sub(
                id,
                "/crud",
                "subscriptionName",
                "hot streets",
                "description",
                "d",
                "entities",
                List.of(Map.of("type", "Street", "idPattern", "^urn:ngsi-ld:Street:.*")),
                "watchedAttributes",
                List.of("temperature"),
                "q",
                "temperature>30",
                "geoQ",
                Map.of("geometry", "Point", "coordinates", List.of(8.68, 49.41), "georel", "near;maxDistance==2000"),
                "notificationTrigger",
                List.of("attributeUpdated", "entityDeleted"),
                "throttling",
                5,
                "expiresAt",
                "2099-01-01T00:00:00Z",
                "isActive",
                true,
                "lang",
                "de");
        @SuppressWarnings("unchecked")
        Map<String, Object> n = (Map<String, Object>) body.get("notification");
        n.put("attributes", List.of("temperature"));
        n.put("format", "keyValues");
        @SuppressWarnings("unchecked")
        Map<String, Object> ep = (Map<String, Object>) n.get("endpoint");
        ep.put("accept", "application/ld+json");
        ep.put("receiverInfo", List.of(Map.of("key", "X-Token", "value", "t1")));
        Api.Res created = api.post(S, body);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.header("Location")).isEqualTo(S + "/" + id);
        assertThat(api.post(S, body).status()).isEqualTo(409);

        Api.Res got = api.get(S + "/" + id);
        assertThat(got.status()).isEqualTo(200);
        Map<String, Object> s = got.obj();
        assertThat(s)
                .containsEntry("id", id)
                .containsEntry("type", "Subscription")
                .containsEntry("subscriptionName", "hot streets")
                .containsEntry("description", "d")
                .containsEntry("watchedAttributes", List.of("temperature"))
                .containsEntry("q", "temperature>30")
                .containsEntry("throttling", 5)
                .containsEntry("expiresAt", "2099-01-01T00:00:00.000Z")
                .containsEntry("isActive", true)
                .containsEntry("status", "active")
                .containsEntry("lang", "de")
                .containsEntry("notificationTrigger", List.of("entityDeleted", "attributeUpdated"));
        assertThat(s.get("entities"))
                .isEqualTo(List.of(Map.of("type", "Street", "idPattern", "^urn:ngsi-ld:Street:.*")));
        assertThat(s.get("geoQ").toString()).contains("near;maxDistance==2000").contains("Point");
        assertThat(s.get("notification").toString())
                .contains(
                        "format=keyValues",
                        "attributes=[temperature]",
                        "accept=application/ld+json",
                        "X-Token",
                        "status=ok",
                        "timesSent=0");

        assertThat(new Api(node.httpPort())
                        .withHeader("NGSILD-Tenant", "other")
                        .get(S + "/" + id)
                        .status())
                .isEqualTo(404);
        api.post(S, sub("urn:ngsi-ld:Subscription:crud-b-" + uid(), "/crud", "watchedAttributes", List.of("x")));
        Api.Res page = api.get(S + "?limit=1&offset=0&count=true");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.list()).hasSize(1);
        assertThat(Long.parseLong(page.header("NGSILD-Results-Count"))).isGreaterThanOrEqualTo(2);
        assertThat(api.get(S + "?limit=1000").list()).hasSizeGreaterThanOrEqualTo(2);

        Api.Res patched = api.patch(S + "/" + id, Map.of("isActive", false, "throttling", 7, "q", "temperature>40"));
        assertThat(patched.status()).as(patched.body()).isEqualTo(204);
        s = api.get(S + "/" + id).obj();
        assertThat(s)
                .containsEntry("isActive", false)
                .containsEntry("status", "paused")
                .containsEntry("throttling", 7)
                .containsEntry("q", "temperature>40")
                .containsEntry("lang", "de");
        assertThat(api.patch(S + "/urn:x:none", Map.of("isActive", false)).status())
                .isEqualTo(404);

        assertThat(api.delete(S + "/" + id).status()).isEqualTo(204);
        assertThat(api.get(S + "/" + id).status()).isEqualTo(404);
        assertThat(api.delete(S + "/" + id).status()).isEqualTo(404);
    }

    @Test
    void create_generatesIdWhenAbsent() {
        Map<String, Object> body = sub("x", "/gen", "entities", List.of(Map.of("type", "Street")));
        body.remove("id");
        Api.Res r = api.post(S, body);
        assertThat(r.status()).isEqualTo(201);
        assertThat(r.header("Location")).startsWith(S + "/urn:ngsi-ld:Subscription:");
    }

    @Test
    void create_invalid_isBadRequestWithPreciseDetail() {
        String id = "urn:ngsi-ld:Subscription:bad";
        List<Object[]> cases = new ArrayList<>();
        cases.add(new Object[] {sub(id, "/x"), "subscription.unrestricted"});
        cases.add(
                new Object[] {sub(id, "/x", "entities", List.of(Map.of("id", "urn:a:b"))), "subscription.entities-type"
                });
        cases.add(new Object[] {sub(id, "/x", "watchedAttributes", List.of("a"), "q", "a>>1"), "q."});
        cases.add(new Object[] {
            sub(id, "/x", "watchedAttributes", List.of("a"), "notificationTrigger", List.of("nope")),
            "subscription.trigger"
        });
        cases.add(new Object[] {
            sub(id, "/x", "watchedAttributes", List.of("a"), "timeInterval", 10), "subscription.time-interval-watched"
        });
        cases.add(new Object[] {
            sub(id, "/x", "watchedAttributes", List.of("a"), "throttling", -1), "subscription.throttling"
        });
        cases.add(new Object[] {
            sub(id, "/x", "watchedAttributes", List.of("a"), "expiresAt", "yesterday"), "subscription.expires-at"
        });
        cases.add(new Object[] {
            sub(id, "/x", "watchedAttributes", List.of("a"), "isActive", "yes"), "subscription.is-active"
        });
        cases.add(new Object[] {sub(id, "/x", "watchedAttributes", List.of("a"), "type", "Sub"), "subscription.type"});
        cases.add(new Object[] {
            sub(id, "/x", "watchedAttributes", List.of("a"), "bogus", 1), "subscription.member-unknown"
        });
        cases.add(new Object[] {
            sub(id, "/x", "watchedAttributes", List.of("a"), "geoQ", Map.of("georel", "near;maxDistance==1")),
            "geo.incomplete"
        });
        cases.add(
                new Object[] {sub(id, "ftp://h/x", "watchedAttributes", List.of("a")), "subscription.endpoint-scheme"});
        Map<String, Object> badFormat = sub(id, "/x", "watchedAttributes", List.of("a"));
        ((Map<String, Object>) badFormat.get("notification")).put("format", "xml");
        cases.add(new Object[] {badFormat, "subscription.format"});
        Map<String, Object> noEndpoint = sub(id, "/x", "watchedAttributes", List.of("a"));
        noEndpoint.put("notification", Map.of());
        cases.add(new Object[] {noEndpoint, "subscription.endpoint-missing"});
        Map<String, Object> badId = sub("not a uri", "/x", "watchedAttributes", List.of("a"));
        cases.add(new Object[] {badId, "subscription.id-invalid"});
        for (Object[] c : cases) {
            Api.Res r = api.post(S, c[0]);
            assertThat(r.status()).as(c[1] + ": " + r.body()).isEqualTo(400);
            assertThat(r.obj().get("code").toString()).as(r.body()).startsWith((String) c[1]);
            assertThat(r.obj().get("type").toString()).contains("BadRequestData");
        }
        assertThat(api.get(S + "/" + id).status()).isEqualTo(404);
    }

    // ---------------------------------------------------------------------------------- notifications

    @Test
    void notification_normalized_overHttp_withHeadersAndWatchedAttributes() {
        String u = uid();
        String street = "urn:ngsi-ld:Street:n-" + u;
        String path = "/n-" + u;
        Map<String, Object> body = sub(
                "urn:ngsi-ld:Subscription:n-" + u,
                path,
                "entities",
                List.of(Map.of("type", "Street", "id", street)),
                "watchedAttributes",
                List.of("temperature"));
        @SuppressWarnings("unchecked")
        Map<String, Object> ep = (Map<String, Object>) ((Map<String, Object>) body.get("notification")).get("endpoint");
        ep.put("receiverInfo", List.of(Map.of("key", "X-Token", "value", "secret")));
        assertThat(api.post(S, body).status()).isEqualTo(201);
        assertThat(api.post(E, street(street, 20)).status()).isEqualTo(201);
        setTemperature(street, 21);
        assertThat(api.patch(E + "/" + street + "/attrs", Map.of("name", Map.of("type", "Property", "value", "x")))
                        .status())
                .isEqualTo(204); // not watched
        setTemperature(street, 22);
        List<Receiver.Received> got = receiver.await(path, 3);
        Receiver.Received first = got.get(0);
        assertThat(first.header("Content-Type")).startsWith("application/json");
        assertThat(first.header("NGSILD-Tenant")).isEqualTo("subs");
        assertThat(first.header("X-Token")).isEqualTo("secret");
        assertThat(first.header("Link")).contains("ngsi-ld-core-context");
        assertThat(first.body())
                .containsEntry("type", "Notification")
                .containsEntry("subscriptionId", "urn:ngsi-ld:Subscription:n-" + u)
                .containsKeys("id", "notifiedAt");
        assertThat((String) first.body().get("id")).startsWith("urn:ngsi-ld:Notification:");
        List<Object> temps = new ArrayList<>();
        for (Receiver.Received r : got) {
            Map<String, Object> e = r.data().get(0);
            assertThat(e).containsEntry("id", street).containsEntry("type", "Street");
            temps.add(((Map<?, ?>) e.get("temperature")).get("value"));
        }
        assertThat(temps)
                .containsExactly(20.0, 21.0, 22.0); // created, updated, updated; the name change is not watched
        assertThat(receiver.at(path)).hasSize(3);
        Map<String, Object> status =
                api.get(S + "/urn:ngsi-ld:Subscription:n-" + u).obj();
        awaitStatus("urn:ngsi-ld:Subscription:n-" + u, 3);
        assertThat(status).containsKey("notification");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> awaitStatus(String id, long timesSent) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            Map<String, Object> n =
                    (Map<String, Object>) api.get(S + "/" + id).obj().get("notification");
            if (((Number) n.get("timesSent")).longValue() >= timesSent) {
                return n;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("status never reached " + timesSent + ": " + n);
            }
            sleep(20);
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void notification_keyValuesProjectionLdJson_qTriggersGeoQ() {
        String u = uid();
        String path = "/kv-" + u;
        String hot = "urn:ngsi-ld:Street:hot-" + u;
        String cold = "urn:ngsi-ld:Street:cold-" + u;
        Map<String, Object> body = sub(
                "urn:ngsi-ld:Subscription:kv-" + u,
                path,
                "entities",
                List.of(Map.of("type", "Street", "idPattern", "^urn:ngsi-ld:Street:(hot|cold)-" + u)),
                "q",
                "temperature>30",
                "geoQ",
                Map.of("geometry", "Point", "coordinates", List.of(8.68, 49.41), "georel", "near;maxDistance==1000"),
                "notificationTrigger",
                List.of("entityCreated", "attributeUpdated", "entityDeleted"));
        @SuppressWarnings("unchecked")
        Map<String, Object> n = (Map<String, Object>) body.get("notification");
        n.put("format", "keyValues");
        n.put("attributes", List.of("temperature"));
        ((Map<String, Object>) n.get("endpoint")).put("accept", "application/ld+json");
        assertThat(api.post(S, body).status()).isEqualTo(201);
        assertThat(api.post(E, street(cold, 10)).status()).isEqualTo(201); // q fails
        assertThat(api.post(E, street(hot, 35)).status()).isEqualTo(201); // entityCreated
        setTemperature(cold, 12); // q fails
        setTemperature(hot, 36); // attributeUpdated
        assertThat(api.delete(E + "/" + hot).status()).isEqualTo(204); // entityDeleted
        List<Receiver.Received> got = receiver.await(path, 3);
        assertThat(got.get(0).header("Content-Type")).startsWith("application/ld+json");
        assertThat(got.get(0).body()).containsKey("@context");
        assertThat(got.get(0).data().get(0)).isEqualTo(Map.of("id", hot, "type", "Street", "temperature", 35.0));
        assertThat(got.get(1).data().get(0)).isEqualTo(Map.of("id", hot, "type", "Street", "temperature", 36.0));
        assertThat(got.get(2).data().get(0)).containsEntry("id", hot);
        // a marker through the same endpoint: everything before it has arrived
        String far = "urn:ngsi-ld:Street:hot-far-" + u;
        Map<String, Object> farStreet = street(far, 50);
        farStreet.put(
                "location",
                Map.of("type", "GeoProperty", "value", Map.of("type", "Point", "coordinates", List.of(9.5, 50.0))));
        api.post(E, farStreet); // geoQ fails (and the id pattern too)
        String marker = "urn:ngsi-ld:Street:cold-" + u;
        setTemperature(marker, 40); // now matches q
        got = receiver.await(path, 4);
        assertThat(got).hasSize(4);
        assertThat(got.get(3).data().get(0)).containsEntry("temperature", 40.0);
    }

    @Test
    void throttling_dropsNotificationsWithinThePeriod_pausedAndExpiredDoNotNotify() {
        String u = uid();
        String path = "/t-" + u;
        String a = "urn:ngsi-ld:Street:ta-" + u;
        String marker = "urn:ngsi-ld:Street:tm-" + u;
        assertThat(api.post(E, street(a, 1)).status()).isEqualTo(201);
        assertThat(api.post(E, street(marker, 1)).status()).isEqualTo(201);
        api.post(
                S,
                sub(
                        "urn:ngsi-ld:Subscription:t-" + u,
                        path,
                        "entities",
                        List.of(Map.of("type", "Street", "id", a)),
                        "throttling",
                        3600));
        api.post(
                S,
                sub(
                        "urn:ngsi-ld:Subscription:tp-" + u,
                        path,
                        "entities",
                        List.of(Map.of("type", "Street", "id", a)),
                        "isActive",
                        false));
        Api.Res expiring = api.post(
                S,
                sub(
                        "urn:ngsi-ld:Subscription:te-" + u,
                        path,
                        "entities",
                        List.of(Map.of("type", "Street", "id", a)),
                        "expiresAt",
                        Instant.now().plusSeconds(1).toString()));
        assertThat(expiring.status()).isEqualTo(201);
        api.post(
                S,
                sub(
                        "urn:ngsi-ld:Subscription:tm-" + u,
                        path,
                        "entities",
                        List.of(Map.of("type", "Street", "id", marker))));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!api.get(S + "/urn:ngsi-ld:Subscription:te-" + u)
                .obj()
                .get("status")
                .equals("expired")) {
            assertThat(System.nanoTime()).isLessThan(deadline);
            sleep(50);
        }
        setTemperature(a, 2);
        setTemperature(a, 3);
        setTemperature(a, 4);
        setTemperature(marker, 2);
        List<Receiver.Received> got = receiver.await(path, l -> l.stream()
                .anyMatch(r -> r.body().get("subscriptionId").equals("urn:ngsi-ld:Subscription:tm-" + u)));
        assertThat(got)
                .extracting(r -> r.body().get("subscriptionId"))
                .containsExactly("urn:ngsi-ld:Subscription:t-" + u, "urn:ngsi-ld:Subscription:tm-" + u);
    }

    @Test
    void timeInterval_notifiesPeriodicallyWithCurrentState() {
        String u = uid();
        String path = "/p-" + u;
        String a = "urn:ngsi-ld:Street:p-" + u;
        assertThat(api.post(E, street(a, 5)).status()).isEqualTo(201);
        assertThat(api.post(
                                S,
                                sub(
                                        "urn:ngsi-ld:Subscription:p-" + u,
                                        path,
                                        "entities",
                                        List.of(Map.of("type", "Street", "id", a)),
                                        "timeInterval",
                                        1))
                        .status())
                .isEqualTo(201);
        List<Receiver.Received> got = receiver.await(path, 2);
        assertThat(got.get(0).data().get(0)).containsEntry("id", a);
        assertThat(api.get(S + "/urn:ngsi-ld:Subscription:p-" + u).obj()).containsEntry("timeInterval", 1);
        api.delete(S + "/urn:ngsi-ld:Subscription:p-" + u);
    }

    @Test
    void receiverDownThenUp_everyNotificationArrivesInOrder() throws Exception {
        try (Receiver flaky = new Receiver()) {
            flaky.down = true;
            String u = uid();
            String a = "urn:ngsi-ld:Street:f-" + u;
            String id = "urn:ngsi-ld:Subscription:f-" + u;
            Map<String, Object> body = sub(id, "/f", "entities", List.of(Map.of("type", "Street", "id", a)));
            @SuppressWarnings("unchecked")
            Map<String, Object> ep =
                    (Map<String, Object>) ((Map<String, Object>) body.get("notification")).get("endpoint");
            ep.put("uri", flaky.url("/f"));
            assertThat(api.post(S, body).status()).isEqualTo(201);
            assertThat(api.post(E, street(a, 0)).status()).isEqualTo(201);
            for (int i = 1; i <= 20; i++) {
                setTemperature(a, i);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (true) {
                @SuppressWarnings("unchecked")
                Map<String, Object> n =
                        (Map<String, Object>) api.get(S + "/" + id).obj().get("notification");
                if (((Number) n.get("timesFailed")).longValue() >= 2) {
                    assertThat(n).containsEntry("status", "failed").containsKey("lastFailure");
                    break;
                }
                assertThat(System.nanoTime()).isLessThan(deadline);
                sleep(50);
            }
            flaky.down = false;
            List<Receiver.Received> got = flaky.await("/f", 21);
            List<Object> temps = new ArrayList<>();
            for (Receiver.Received r : got) {
                temps.add(((Map<?, ?>) r.data().get(0).get("temperature")).get("value"));
            }
            List<Object> expected = new ArrayList<>();
            for (int i = 0; i <= 20; i++) {
                expected.add((double) i);
            }
            assertThat(temps).containsExactlyElementsOf(expected);
            Map<String, Object> n = awaitStatus(id, 23);
            assertThat(n).containsEntry("status", "ok").containsKey("lastSuccess");
        }
    }

    @Test
    void mqttEndpoint_publishesMetadataAndBodyWithQos1() throws Exception {
        String u = uid();
        String topic = "citytwin/it/" + u;
        List<String> payloads = new CopyOnWriteArrayList<>();
        Mqtt5AsyncClient client = MqttClient.builder()
                .useMqttVersion5()
                .identifier("it-" + u)
                .serverHost("127.0.0.1")
                .serverPort(1883)
                .buildAsync();
        client.connect().get(10, TimeUnit.SECONDS);
        try {
            client.subscribeWith()
                    .topicFilter(topic)
                    .qos(MqttQos.AT_LEAST_ONCE)
                    .callback(p -> payloads.add(new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8)))
                    .send()
                    .get(10, TimeUnit.SECONDS);
            String a = "urn:ngsi-ld:Street:m-" + u;
            Map<String, Object> body = sub(
                    "urn:ngsi-ld:Subscription:m-" + u,
                    "mqtt://127.0.0.1:1883/" + topic,
                    "entities",
                    List.of(Map.of("type", "Street", "id", a)));
            @SuppressWarnings("unchecked")
            Map<String, Object> ep =
                    (Map<String, Object>) ((Map<String, Object>) body.get("notification")).get("endpoint");
            ep.put("receiverInfo", List.of(Map.of("key", "X-Token", "value", "m")));
            assertThat(api.post(S, body).status()).isEqualTo(201);
            assertThat(api.post(E, street(a, 7)).status()).isEqualTo(201);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (payloads.isEmpty()) {
                assertThat(System.nanoTime()).isLessThan(deadline);
                sleep(20);
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> msg = Api.JSON.readValue(payloads.get(0), Map.class);
            assertThat((Map<String, Object>) msg.get("metadata"))
                    .containsEntry("Content-Type", "application/json")
                    .containsEntry("NGSILD-Tenant", "subs")
                    .containsEntry("X-Token", "m")
                    .containsKey("Link");
            @SuppressWarnings("unchecked")
            Map<String, Object> notification = (Map<String, Object>) msg.get("body");
            assertThat(notification)
                    .containsEntry("type", "Notification")
                    .containsEntry("subscriptionId", "urn:ngsi-ld:Subscription:m-" + u);
            assertThat(notification.get("data").toString()).contains(a);
        } finally {
            client.disconnect().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void metrics_exposeNotificationCounters() {
        String m = api.get("/metrics").body();
        assertThat(m)
                .contains(
                        "citytwin_notifications_sent_total",
                        "citytwin_notifications_failed_total",
                        "citytwin_notifications_pending",
                        "citytwin_notifications_latency_seconds");
    }
}
