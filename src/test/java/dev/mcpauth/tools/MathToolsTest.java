package dev.mcpauth.tools;

import static dev.mcpauth.tools.ToolTesting.call;
import static dev.mcpauth.tools.ToolTesting.error;
import static dev.mcpauth.tools.ToolTesting.success;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpauth.mcp.CatalogTool;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MathToolsTest {

    private final CatalogTool add = new MathTools().addNumbers();
    private final CatalogTool multiply = new MathTools().multiplyNumbers();

    @Test
    void addsIntegersExactlyEvenBeyondDoublePrecision() throws Exception {
        assertThat(exact(add, 2, 3)).isEqualTo("5");
        assertThat(exact(add, 9007199254740993L, 1)).isEqualTo("9007199254740994");
        assertThat(exact(add, new BigInteger("123456789012345678901234567890"), -1)).isEqualTo("123456789012345678901234567889");
    }

    @Test
    void addsDecimalsWithoutFloatingPointRounding() throws Exception {
        assertThat(exact(add, 0.1, 0.2)).isEqualTo("0.3");
        assertThat(exact(add, 1.25, -1.25)).isEqualTo("0");
        assertThat(exact(add, new BigDecimal("0.000000001"), 1)).isEqualTo("1.000000001");
    }

    @Test
    void multipliesIntegersAndDecimals() throws Exception {
        assertThat(exact(multiply, 6, 7)).isEqualTo("42");
        assertThat(exact(multiply, 1.5, 4)).isEqualTo("6");
        assertThat(exact(multiply, 0.1, 0.2)).isEqualTo("0.02");
        assertThat(exact(multiply, 1e20, 10)).isEqualTo("1000000000000000000000");
    }

    @Test
    void resultIsAlsoAJsonNumber() throws Exception {
        Map<String, Object> sum = success(add, call(add, Map.of("a", 0.5, "b", 2)));

        assertThat(sum.get("result")).isEqualTo(new BigDecimal("2.5"));
    }

    @Test
    void nonNumbersAreRefusedNamingTheArgument() throws Exception {
        assertThat(error(call(add, Map.of("a", "3", "b", 4)))).contains("argument 'a' must be a number, got a string");
        assertThat(error(call(add, Map.of("a", 3, "b", true)))).contains("argument 'b' must be a number, got a boolean");
        assertThat(error(call(multiply, Map.of("a", 3)))).contains("argument 'b' is required");
        Map<String, Object> nullA = new HashMap<>();
        nullA.put("a", null);
        nullA.put("b", 1);
        assertThat(error(call(multiply, nullA))).contains("argument 'a' is required");
        assertThat(error(call(add, Map.of("a", 1, "b", 2, "c", 3)))).contains("unknown argument c");
    }

    @Test
    void nanAndInfinityAreRefused() throws Exception {
        assertThat(error(call(add, Map.of("a", Double.NaN, "b", 1)))).contains("argument 'a' must be a finite number");
        assertThat(error(call(multiply, Map.of("a", 1, "b", Double.POSITIVE_INFINITY)))).contains("argument 'b' must be a finite number");
        assertThat(error(call(multiply, Map.of("a", 1, "b", Float.NEGATIVE_INFINITY)))).contains("argument 'b' must be a finite number");
    }

    @Test
    void absurdlyLargeOperandsAreRefusedInsteadOfExhaustingMemory() throws Exception {
        assertThat(error(call(multiply, Map.of("a", new BigDecimal("1e999999999"), "b", 1)))).contains("argument 'a' is out of range");
        assertThat(error(call(add, Map.of("a", 1, "b", new BigDecimal("1e-5000"))))).contains("argument 'b' is out of range");
    }

    private static String exact(CatalogTool tool, Number a, Number b) throws Exception {
        return (String) success(tool, call(tool, Map.of("a", a, "b", b))).get("exact");
    }
}
