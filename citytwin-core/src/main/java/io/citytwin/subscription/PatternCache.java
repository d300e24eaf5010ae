package io.citytwin.subscription;

import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/** Compiled id patterns of subscriptions, shared (Pattern is thread-safe); bounded by the number of subscriptions. */
final class PatternCache {
    private static final int MAX = 100_000;
    private static final ConcurrentHashMap<String, Pattern> CACHE = new ConcurrentHashMap<>();

    private PatternCache() {}

    static Pattern get(String regex) {
        Pattern p = CACHE.get(regex);
        if (p == null) {
            p = Pattern.compile(regex);
            if (CACHE.size() < MAX) {
                CACHE.put(regex, p);
            }
        }
        return p;
    }
}
