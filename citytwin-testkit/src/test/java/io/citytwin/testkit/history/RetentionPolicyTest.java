package io.citytwin.testkit.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.citytwin.history.store.AttributeRecord;
import io.citytwin.history.store.RetentionPolicy;
import io.citytwin.history.store.SeriesKey;
import io.citytwin.twin.Attribute;
import io.citytwin.twin.EntityId;
import io.citytwin.twin.TenantId;
import io.citytwin.twin.TwinException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetentionPolicyTest {
    private static final TenantId CITY = new TenantId("city");
    private static final Instant NOW = Instant.parse("2026-03-31T00:00:00Z");

    @Test
    void keepForever_deletesNothing() {
        assertThat(RetentionPolicy.KEEP_FOREVER.due(NOW)).isEmpty();
    }

    @Test
    void apply_deletesOlderThanTheRulePerTenantAndType() {
        InMemoryHistoryStore store = new InMemoryHistoryStore();
        SeriesKey lamp = SeriesKey.of(CITY, EntityId.of("urn:ngsi-ld:Lamp:1"), "https://x/p");
        SeriesKey bus = SeriesKey.of(CITY, EntityId.of("urn:ngsi-ld:Bus:1"), "https://x/p");
        for (int d = 0; d < 30; d++) {
            Instant t = NOW.minus(Duration.ofDays(d)).minusSeconds(1);
            store.append(List.of(
                            AttributeRecord.of(lamp, "Lamp", t, Attribute.property((long) d)),
                            AttributeRecord.of(bus, "Bus", t, Attribute.property((long) d))))
                    .join();
        }
        RetentionPolicy policy = new RetentionPolicy(List.of(
                new RetentionPolicy.Rule(CITY, null, Duration.ofDays(20)),
                new RetentionPolicy.Rule(CITY, "Bus", Duration.ofDays(7))));
        assertThat(policy.apply(store, NOW)).isEqualTo(10 + 10 + 13);
        assertThat(store.read(lamp, Instant.EPOCH, NOW, 0)).hasSize(20);
        assertThat(store.read(bus, Instant.EPOCH, NOW, 0)).hasSize(7);
    }

    @Test
    void typeRule_keepingLongerThanItsTenant_isRefused() {
        assertThatThrownBy(() -> new RetentionPolicy(List.of(
                        new RetentionPolicy.Rule(CITY, null, Duration.ofDays(7)),
                        new RetentionPolicy.Rule(CITY, "Bus", Duration.ofDays(30)))))
                .isInstanceOf(TwinException.class)
                .extracting(e -> ((TwinException) e).code())
                .isEqualTo("history.retention-conflict");
    }
}
