package io.citytwin.history.store;

import io.citytwin.twin.TenantId;
import io.citytwin.twin.TwinException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How long the history keeps records, per tenant and optionally per entity type. No rule for a tenant or type
 * means keep forever (the default, {@link #KEEP_FOREVER}).
 *
 * <p>A tenant-wide rule applies to every type of the tenant, so a rule for one type of that tenant may only keep
 * less; a type rule that keeps longer than its tenant's rule is refused, because {@link HistoryStore#deleteBefore}
 * with no type deletes every type.
 *
 * @param rules the rules, at most one per (tenant, type)
 */
public record RetentionPolicy(List<Rule> rules) {
    /** Keep everything forever. */
    public static final RetentionPolicy KEEP_FOREVER = new RetentionPolicy(List.of());

    /**
     * Keep records of {@code tenant} (of entities of {@code entityType} only, when given) for {@code keep}.
     *
     * @param keep positive
     */
    public record Rule(TenantId tenant, @Nullable String entityType, Duration keep) {
        public Rule {
            Objects.requireNonNull(tenant, "tenant");
            Objects.requireNonNull(keep, "keep");
            if (keep.isNegative() || keep.isZero()) {
                throw TwinException.badData("history.retention-invalid", "A retention period must be positive");
            }
        }
    }

    /** A deletion due now: pass it to {@link HistoryStore#deleteBefore}. */
    public record Deletion(TenantId tenant, @Nullable String entityType, Instant cutoff) {}

    public RetentionPolicy {
        rules = List.copyOf(rules);
        for (int i = 0; i < rules.size(); i++) {
            Rule a = rules.get(i);
            for (int j = 0; j < rules.size(); j++) {
                Rule b = rules.get(j);
                if (i != j && a.tenant.equals(b.tenant) && Objects.equals(a.entityType, b.entityType)) {
                    throw TwinException.badData(
                            "history.retention-duplicate",
                            "Two retention rules for tenant " + a.tenant + " and type " + a.entityType);
                }
                if (a.entityType != null
                        && b.entityType == null
                        && a.tenant.equals(b.tenant)
                        && a.keep.compareTo(b.keep) > 0) {
                    throw TwinException.badData(
                            "history.retention-conflict",
                            "Type " + a.entityType + " cannot keep history longer than its tenant " + a.tenant);
                }
            }
        }
    }

    /** The deletions due at {@code now}: one per rule, with cutoff {@code now - keep}. */
    public List<Deletion> due(Instant now) {
        ArrayList<Deletion> out = new ArrayList<>(rules.size());
        for (Rule r : rules) {
            out.add(new Deletion(r.tenant, r.entityType, now.minus(r.keep)));
        }
        return out;
    }

    /**
     * Applies the policy to {@code store} at {@code now} (run it periodically, e.g. hourly, off the request path).
     *
     * @return the number of records deleted
     */
    public long apply(HistoryStore store, Instant now) {
        long deleted = 0;
        for (Deletion d : due(now)) {
            deleted += store.deleteBefore(d.tenant, d.entityType, d.cutoff);
        }
        return deleted;
    }
}
