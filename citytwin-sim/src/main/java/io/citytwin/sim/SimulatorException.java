package io.citytwin.sim;

/** The simulator cannot go on: the node is unreachable or refused the city. The message says what to do. */
public final class SimulatorException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SimulatorException(String message, Throwable cause) {
        super(message, cause);
    }

    public SimulatorException(String message) {
        super(message);
    }
}
