package io.citytwin.rule;

import io.citytwin.twin.ErrorType;
import io.citytwin.twin.TwinException;
import java.util.List;

/** A rule definition that is not valid: BadRequestData {@code rule.invalid}, with every problem and its path. */
public final class RuleException extends TwinException {
    private final transient List<RuleProblem> problems;

    /**
     * @param origin what was parsed (a file name, {@code request body}); starts the detail
     * @param problems at least one
     */
    public RuleException(String origin, List<RuleProblem> problems) {
        super(ErrorType.BAD_REQUEST_DATA, "rule.invalid", detail(origin, problems));
        this.problems = List.copyOf(problems);
    }

    /** Every problem found. */
    public List<RuleProblem> problems() {
        return problems;
    }

    private static String detail(String origin, List<RuleProblem> problems) {
        StringBuilder sb = new StringBuilder("Invalid rule in ").append(origin).append(": ");
        for (int i = 0; i < problems.size(); i++) {
            if (i > 0) {
                sb.append("; ");
            }
            sb.append(problems.get(i));
        }
        return sb.toString();
    }
}
