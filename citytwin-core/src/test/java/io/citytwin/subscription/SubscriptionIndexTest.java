package io.citytwin.subscription;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.citytwin.event.ChangeEvent;
import io.citytwin.event.ChangeKind;
import io.citytwin.twin.Attribute;
import io.citytwin.twin.Entity;
import io.citytwin.twin.EntityId;
import io.citytwin.twin.TenantId;
import io.citytwin.twin.TwinException;
import io.citytwin.twin.query.QueryParser;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class SubscriptionIndexTest {
    static final TenantId T = TenantId.DEFAULT;
    static final Instant NOW = Instant.parse("2026-05-01T00:00:00Z");
    static final EntityId ID = EntityId.of("urn:ngsi-ld:Street:1");

    static Entity street(Object... attrs) {
        Entity e = Entity.of(ID, "Street");
        for (int i = 0; i < attrs.length; i += 2) {
            e = e.withAttribute((String) attrs[i], List.of(Attribute.property(attrs[i + 1])));
        }
        return e;
    }

    static ChangeEvent event(@Nullable Entity before, @Nullable Entity after, String... changed) {
        ChangeKind k = before == null ? ChangeKind.CREATED : after == null ? ChangeKind.DELETED : ChangeKind.UPDATED;
        return new ChangeEvent(T, ID, k, before, after, Set.of(changed), NOW);
    }

    static Subscription.Builder sub(String id) {
        return Subscription.builder(SubscriptionId.of("urn:s:" + id), T, Endpoint.of("http://h/x"), NOW)
                .entities(List.of(new EntitySelector(null, null, "Street")));
    }

    static List<String> ids(List<Subscription> l) {
        return l.stream().map(s -> s.id().value()).sorted().toList();
    }

    @Test
    void match_defaultTriggers_createdAndUpdatedButNotDeleted() {
        SubscriptionIndex idx = new SubscriptionIndex();
        idx.put(sub("a").build());
        Entity v1 = street("t", 1L);
        Entity v2 = street("t", 2L);
        assertThat(idx.match(event(null, v1, "t"), NOW)).hasSize(1);
        assertThat(idx.match(event(v1, v2, "t"), NOW)).hasSize(1);
        assertThat(idx.match(event(v2, null, "t"), NOW)).isEmpty();
    }

    @Test
    void match_watchedAttributes_onlyWhenAWatchedAttributeChanged() {
        SubscriptionIndex idx = new SubscriptionIndex();
        idx.put(sub("w").watchedAttributes(Set.of("t")).build());
        Entity v1 = street("t", 1L, "n", "a");
        assertThat(idx.match(event(v1, street("t", 1L, "n", "b"), "n"), NOW)).isEmpty();
        assertThat(idx.match(event(v1, street("t", 2L, "n", "a"), "t"), NOW)).hasSize(1);
    }

    @Test
    void match_triggersSelectKindsOfChange() {
        SubscriptionIndex idx = new SubscriptionIndex();
        idx.put(sub("created").triggers(Set.of(Trigger.ENTITY_CREATED)).build());
        idx.put(sub("deleted").triggers(Set.of(Trigger.ENTITY_DELETED)).build());
        idx.put(sub("attrDeleted").triggers(Set.of(Trigger.ATTRIBUTE_DELETED)).build());
        idx.put(sub("updated").triggers(Set.of(Trigger.ENTITY_UPDATED)).build());
        Entity v1 = street("t", 1L, "n", "a");
        Entity v2 = street("t", 1L);
        assertThat(ids(idx.match(event(null, v1, "t", "n"), NOW))).containsExactly("urn:s:created");
        assertThat(ids(idx.match(event(v1, v2, "n"), NOW))).containsExactly("urn:s:attrDeleted", "urn:s:updated");
        assertThat(ids(idx.match(event(v2, null, "t"), NOW))).containsExactly("urn:s:deleted");
    }

    @Test
    void match_qIdPatternTypeAndTenantFilter() {
        SubscriptionIndex idx = new SubscriptionIndex();
        idx.put(sub("q").q(QueryParser.parse("t>5")).build());
        idx.put(sub("id")
                .entities(List.of(new EntitySelector(EntityId.of("urn:other:1"), null, "Street")))
                .build());
        idx.put(sub("pattern")
                .entities(List.of(new EntitySelector(null, "Street:\\d", "Street")))
                .build());
        idx.put(sub("lamp")
                .entities(List.of(new EntitySelector(null, null, "Lamp")))
                .build());
        idx.put(Subscription.builder(
                        SubscriptionId.of("urn:s:other-tenant"), new TenantId("x"), Endpoint.of("http://h/x"), NOW)
                .entities(List.of(new EntitySelector(null, null, "Street")))
                .build());
        assertThat(ids(idx.match(event(street("t", 1L), street("t", 2L), "t"), NOW)))
                .containsExactly("urn:s:pattern");
        assertThat(ids(idx.match(event(street("t", 1L), street("t", 9L), "t"), NOW)))
                .containsExactly("urn:s:pattern", "urn:s:q");
    }

    @Test
    void match_pausedExpiredAndPeriodicNeverMatchChanges_removeStopsMatching() {
        SubscriptionIndex idx = new SubscriptionIndex();
        idx.put(sub("paused").active(false).build());
        idx.put(sub("expired").expiresAt(NOW).build());
        idx.put(sub("periodic").timeInterval(Duration.ofSeconds(5)).build());
        idx.put(sub("live").build());
        ChangeEvent e = event(null, street("t", 1L), "t");
        assertThat(ids(idx.match(e, NOW))).containsExactly("urn:s:live");
        assertThat(idx.remove(T, SubscriptionId.of("urn:s:live"))).isTrue();
        assertThat(idx.match(e, NOW)).isEmpty();
        assertThat(idx.size()).isEqualTo(3);
    }

    @Test
    void match_manySubscriptionsOfOtherTypes_areNotCandidates() {
        SubscriptionIndex idx = new SubscriptionIndex();
        for (int i = 0; i < 10_000; i++) {
            idx.put(sub("x" + i)
                    .entities(List.of(new EntitySelector(null, null, "Type" + (i % 100))))
                    .build());
        }
        idx.put(sub("street").build());
        assertThat(ids(idx.match(event(null, street("t", 1L), "t"), NOW))).containsExactly("urn:s:street");
    }

    @Test
    void subscription_validation() {
        assertThatThrownBy(() -> Subscription.builder(SubscriptionId.generate(), T, Endpoint.of("http://h/x"), NOW)
                        .build())
                .isInstanceOf(TwinException.class)
                .hasMessageContaining("entities or watchedAttributes");
        assertThatThrownBy(() -> Endpoint.of("mqtt://h:1883"))
                .isInstanceOf(TwinException.class)
                .hasMessageContaining("topic");
        assertThat(SubscriptionId.generate().value()).startsWith("urn:ngsi-ld:Subscription:");
        assertThat(new DeliveryStatus(0, 0, null, null, null).plus(false, NOW).status())
                .isEqualTo("failed");
        assertThat(Map.of()).isEmpty();
    }
}
