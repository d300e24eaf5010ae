package io.citytwin.rule;

/** Told about {@link Outcome.Emit} outcomes, on the engine's thread: must be quick and must not throw. */
@FunctionalInterface
public interface RuleEventListener {
    void emitted(RuleEvent event);
}
