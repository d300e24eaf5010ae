package io.citytwin.testkit.subscription;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.citytwin.subscription.DeliveryStatus;
import io.citytwin.subscription.Endpoint;
import io.citytwin.subscription.EntitySelector;
import io.citytwin.subscription.NotificationFormat;
import io.citytwin.subscription.NotificationParams;
import io.citytwin.subscription.Subscription;
import io.citytwin.subscription.SubscriptionId;
import io.citytwin.subscription.SubscriptionKey;
import io.citytwin.subscription.SubscriptionStore;
import io.citytwin.subscription.Trigger;
import io.citytwin.twin.EntityId;
import io.citytwin.twin.ErrorType;
import io.citytwin.twin.Json;
import io.citytwin.twin.TenantId;
import io.citytwin.twin.TwinException;
import io.citytwin.twin.geo.GeoQuery;
import io.citytwin.twin.query.QueryParser;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract of the {@link SubscriptionStore} port, run against every adapter: subclass it and implement {@link
 * #open(Path)}. Adapters that forget on close override {@link #durable()} to return false.
 */
public abstract class SubscriptionStoreContract {
    protected static final TenantId CITY_A = new TenantId("city-a");
    protected static final TenantId CITY_B = new TenantId("city-b");
    protected static final String NS = "https://example.org/ns/";
    protected static final Instant CREATED = Instant.parse("2026-02-01T10:00:00.5Z");
    protected static final Instant MODIFIED = Instant.parse("2026-03-02T11:22:33.000000001Z");

    @TempDir
    protected Path dir;

    /** Opens the store in {@code dir}; opening it again after close must see the same data when durable. */
    protected abstract SubscriptionStore open(Path dir);

    protected boolean durable() {
        return true;
    }

    /** A subscription with every optional member set. */
    public static Subscription full(TenantId tenant, String id) {
        Map<String, String> info = new LinkedHashMap<>();
        info.put("Authorization", "Bearer abc");
        info.put("X-Custom", "é value");
        Map<String, Object> ctx = new LinkedHashMap<>();
        ctx.put("ex", NS);
        ctx.put("temperature", NS + "temperature");
        return Subscription.builder(
                        SubscriptionId.of(id),
                        tenant,
                        new Endpoint(Endpoint.parseUri("http://127.0.0.1:9/notify?x=1"), Endpoint.JSON_LD, info),
                        CREATED)
                .name("hot streets")
                .description("Notify when it is hot")
                .entities(List.of(
                        new EntitySelector(null, null, NS + "Street"),
                        new EntitySelector(EntityId.of("urn:ngsi-ld:Street:1"), null, NS + "Street"),
                        new EntitySelector(null, "^urn:ngsi-ld:Lamp:.*", NS + "Lamp")))
                .watchedAttributes(Set.of(NS + "temperature", NS + "humidity"))
                .q(QueryParser.parse("temperature>30;status==\"on\"").mapNames(n -> NS + n))
                .geoQ(GeoQuery.parse("near;maxDistance==2000", "Point", "[8.68,49.41]", null)
                        .withGeoproperty(NS + "location"))
                .triggers(Set.of(Trigger.ATTRIBUTE_UPDATED, Trigger.ENTITY_DELETED))
                .throttling(Duration.ofMillis(1500))
                .expiresAt(Instant.parse("2030-01-01T00:00:00Z"))
                .active(false)
                .lang("de")
                .notification(new NotificationParams(
                        List.of(NS + "temperature"),
                        NotificationFormat.KEY_VALUES,
                        true,
                        new Endpoint(Endpoint.parseUri("http://127.0.0.1:9/notify?x=1"), Endpoint.JSON_LD, info)))
                .jsonldContext(
                        Json.freeze(List.of(ctx, "https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.9.jsonld")))
                .modifiedAt(MODIFIED)
                .build();
    }

    /** A minimal subscription. */
    public static Subscription minimal(TenantId tenant, String id) {
        return Subscription.builder(SubscriptionId.of(id), tenant, Endpoint.of("mqtt://127.0.0.1:1883/t"), CREATED)
                .entities(List.of(new EntitySelector(null, null, NS + "Street")))
                .build();
    }

    private SubscriptionStore reopen(SubscriptionStore s) {
        if (!durable()) {
            return s;
        }
        s.close();
        return open(dir);
    }

    @Test
    void create_everyMember_readsBackEqual() {
        SubscriptionStore s = open(dir);
        Subscription full = full(CITY_A, "urn:ngsi-ld:Subscription:full");
        Subscription periodic = minimal(CITY_A, "urn:ngsi-ld:Subscription:p").toBuilder()
                .timeInterval(Duration.ofSeconds(90))
                .triggers(Set.of(Trigger.ENTITY_CREATED))
                .build();
        s.create(full);
        s.create(periodic);
        s = reopen(s);
        assertThat(s.get(CITY_A, full.id())).contains(full);
        assertThat(s.get(CITY_A, periodic.id())).contains(periodic);
        assertThat(s.get(CITY_B, full.id())).isEmpty();
        s.close();
    }

    @Test
    void create_duplicateId_alreadyExists() {
        SubscriptionStore s = open(dir);
        s.create(minimal(CITY_A, "urn:x:1"));
        s.create(minimal(CITY_B, "urn:x:1"));
        assertThatThrownBy(() -> s.create(minimal(CITY_A, "urn:x:1")))
                .isInstanceOfSatisfying(TwinException.class, e -> {
                    assertThat(e.type()).isEqualTo(ErrorType.ALREADY_EXISTS);
                    assertThat(e.code()).isEqualTo("subscription.already-exists");
                });
        s.close();
    }

    @Test
    void list_pagesInIdOrderPerTenant() {
        SubscriptionStore s = open(dir);
        for (String id : List.of("urn:x:c", "urn:x:a", "urn:x:b", "urn:x:d")) {
            s.create(minimal(CITY_A, id));
        }
        s.create(minimal(CITY_B, "urn:x:0"));
        s = reopen(s);
        assertThat(s.list(CITY_A, 1, 2)).extracting(x -> x.id().value()).containsExactly("urn:x:b", "urn:x:c");
        assertThat(s.list(CITY_A, 0, 100)).hasSize(4);
        assertThat(s.count(CITY_A)).isEqualTo(4);
        assertThat(s.count(CITY_B)).isEqualTo(1);
        assertThat(s.count(new TenantId("none"))).isZero();
        assertThat(s.all()).hasSize(5);
        SubscriptionStore store = s;
        assertThatThrownBy(() -> store.list(CITY_A, -1, 1)).isInstanceOf(TwinException.class);
        s.close();
    }

    @Test
    void update_replacesAndKeepsStatus() {
        SubscriptionStore s = open(dir);
        Subscription sub = minimal(CITY_A, "urn:x:1");
        s.create(sub);
        SubscriptionKey key = SubscriptionKey.of(sub);
        Instant t = Instant.parse("2026-04-01T00:00:00Z");
        s.addStatus(Map.of(key, DeliveryStatus.NONE.plus(true, t)));
        Subscription changed = sub.toBuilder().active(false).lang("en").build();
        s.update(changed);
        s = reopen(s);
        assertThat(s.get(CITY_A, sub.id())).contains(changed);
        assertThat(s.status(CITY_A, sub.id()).timesSent()).isEqualTo(1);
        SubscriptionStore store = s;
        assertThatThrownBy(() -> store.update(minimal(CITY_A, "urn:x:unknown")))
                .isInstanceOfSatisfying(
                        TwinException.class, e -> assertThat(e.type()).isEqualTo(ErrorType.RESOURCE_NOT_FOUND));
        s.close();
    }

    @Test
    void delete_removesSubscriptionAndStatus() {
        SubscriptionStore s = open(dir);
        Subscription sub = minimal(CITY_A, "urn:x:1");
        s.create(sub);
        s.addStatus(Map.of(SubscriptionKey.of(sub), DeliveryStatus.NONE.plus(false, CREATED)));
        assertThat(s.delete(CITY_A, sub.id())).isTrue();
        assertThat(s.delete(CITY_A, sub.id())).isFalse();
        s = reopen(s);
        assertThat(s.get(CITY_A, sub.id())).isEmpty();
        assertThat(s.status(CITY_A, sub.id())).isEqualTo(DeliveryStatus.NONE);
        s.create(sub);
        assertThat(s.status(CITY_A, sub.id())).isEqualTo(DeliveryStatus.NONE);
        s.close();
    }

    @Test
    void addStatus_mergesCountersAndLatestTimes_ignoresUnknown() {
        SubscriptionStore s = open(dir);
        Subscription sub = minimal(CITY_A, "urn:x:1");
        s.create(sub);
        SubscriptionKey key = SubscriptionKey.of(sub);
        Instant t1 = Instant.parse("2026-04-01T00:00:00Z");
        Instant t2 = Instant.parse("2026-04-01T00:00:01.123456789Z");
        s.addStatus(Map.of(
                key,
                DeliveryStatus.NONE.plus(true, t1).plus(false, t2),
                new SubscriptionKey(CITY_A, SubscriptionId.of("urn:x:unknown")),
                DeliveryStatus.NONE.plus(true, t1)));
        s.addStatus(Map.of(key, DeliveryStatus.NONE.plus(true, t1)));
        s = reopen(s);
        DeliveryStatus st = s.status(CITY_A, sub.id());
        assertThat(st).isEqualTo(new DeliveryStatus(3, 1, t2, t1, t2));
        assertThat(st.status()).isEqualTo("failed");
        assertThat(s.status(CITY_A, SubscriptionId.of("urn:x:unknown"))).isEqualTo(DeliveryStatus.NONE);
        s.close();
    }

    @Test
    void close_thenUse_fails() {
        SubscriptionStore s = open(dir);
        s.close();
        assertThatThrownBy(() -> s.get(CITY_A, SubscriptionId.of("urn:x:1")))
                .isInstanceOfSatisfying(
                        TwinException.class, e -> assertThat(e.code()).isEqualTo("subscription.store-closed"));
    }
}
