package io.citytwin.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.citytwin.twin.ErrorType;
import io.citytwin.twin.TwinException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AggregationMethodTest {

    @Test
    void parse_everyNgsiName_givesItsMethod() {
        for (AggregationMethod m : AggregationMethod.values()) {
            assertThat(AggregationMethod.parse(m.ngsiName())).isSameAs(m);
        }
        assertThat(AggregationMethod.parse("totalCount")).isEqualTo(AggregationMethod.TOTAL_COUNT);
        assertThat(AggregationMethod.parse("sumsq")).isEqualTo(AggregationMethod.SUMSQ);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "AVG", "average", "total_count", " avg", "count"})
    void parse_unknownName_throwsBadRequestData(String name) {
        assertThatThrownBy(() -> AggregationMethod.parse(name)).isInstanceOfSatisfying(TwinException.class, e -> {
            assertThat(e.type()).isEqualTo(ErrorType.BAD_REQUEST_DATA);
            assertThat(e.code()).isEqualTo("aggr.method");
        });
    }

    @Test
    void parseList_namesInAnyOrder_givesSetInDeclarationOrder() {
        assertThat(AggregationMethod.parseList("max,avg,max"))
                .containsExactly(AggregationMethod.AVG, AggregationMethod.MAX);
        assertThat(AggregationMethod.parseList("stddev")).containsExactly(AggregationMethod.STDDEV);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ",", "avg,", ",avg", "avg,,max", "avg, max", "avg,foo"})
    void parseList_malformed_throwsBadRequestData(String list) {
        assertThatThrownBy(() -> AggregationMethod.parseList(list))
                .isInstanceOfSatisfying(
                        TwinException.class, e -> assertThat(e.code()).isEqualTo("aggr.method"));
    }
}
