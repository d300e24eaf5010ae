package io.citytwin.rule;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The port where rule definitions created through the API are kept, with every version. Rules from files and bundled
 * packs are not stored: their files are their store. Thread-safe.
 */
public interface RuleStore extends AutoCloseable {

    /**
     * One version of a rule definition.
     *
     * @param id the rule id
     * @param version 1 for the first definition, one more for each change
     * @param definition the definition tree as given (JSON values), with {@code version} set
     * @param savedAt when this version was saved
     */
    record StoredRule(String id, int version, Map<String, Object> definition, Instant savedAt) {
        public StoredRule {
            Objects.requireNonNull(id);
            Objects.requireNonNull(definition);
            Objects.requireNonNull(savedAt);
            definition = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(definition));
        }
    }

    /**
     * Saves a new version of the rule: version 1 when it is new (or was deleted), else the latest version plus one.
     *
     * @return what was stored
     */
    StoredRule save(String id, Map<String, Object> definition, Instant at);

    /** The latest version of every rule not deleted, by id. */
    List<StoredRule> list();

    /** The latest version of the rule, unless deleted. */
    Optional<StoredRule> find(String id);

    /** Every version of the rule, oldest first (kept after a delete). */
    List<StoredRule> versions(String id);

    /** Deletes the rule; false when there was none. */
    boolean delete(String id);

    @Override
    void close();
}
