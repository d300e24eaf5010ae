package io.citytwin.rule;

import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

/*
 * Why evaluations note names by number: under G1 every reference an evaluation stores into an object (a note's name,
 * a bound's text) runs the collector's write barriers, a dozen instructions and a card-table load each; a rule
 * evaluation noted four of them, and they were ~15 % of the engine's time at 1,000 rules (RuleEvalBench, session 8).
 * The names of notes and the constant texts (a threshold's bound, a duration) are a small, fixed set per rule, so
 * they are registered once, when a rule's nodes are built, and an evaluation stores their numbers as primitives.
 */
/**
 * The registry of the names (and constant texts) evaluations note, by number. Append-only for the life of the
 * process: it holds the distinct label texts of every rule ever built (a few per rule, a few kilobytes for a city's
 * packs, growing only when an edited rule brings new texts). Thread-safe; lookups by number take no lock.
 */
final class Labels {
    private static final ConcurrentHashMap<String, Integer> IDS = new ConcurrentHashMap<>();
    private static volatile String[] names = new String[256];
    private static int count;

    private Labels() {}

    /** The number of {@code text}, registered if new. */
    static int id(String text) {
        Integer id = IDS.get(text);
        return id != null ? id : register(text);
    }

    private static synchronized int register(String text) {
        Integer id = IDS.get(text);
        if (id != null) {
            return id;
        }
        String[] a = names;
        if (count == a.length) {
            a = Arrays.copyOf(a, a.length * 2);
        }
        a[count] = text;
        names = a; // published before the number is: a reader that has the number finds its text
        IDS.put(text, count);
        return count++;
    }

    /** The text of number {@code id}. */
    static String text(int id) {
        return names[id];
    }
}
