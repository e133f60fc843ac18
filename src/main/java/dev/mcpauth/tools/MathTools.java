package dev.mcpauth.tools;

import static dev.mcpauth.tools.Schemas.props;

import dev.mcpauth.mcp.CatalogTool;
import dev.mcpauth.mcp.ToolCall;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BinaryOperator;

/** {@code add_numbers} and {@code multiply_numbers}: exact decimal arithmetic (0.1 + 0.2 is 0.3). */
public final class MathTools {

    public static final String ADD_NUMBERS = "add_numbers";
    public static final String MULTIPLY_NUMBERS = "multiply_numbers";
    /** Bounds on operands, so a crafted number like 1e999999999 cannot make the result enormous. */
    static final int MAX_DIGITS = 1000;
    static final int MAX_SCALE = 1000;

    private static final Set<String> ARGUMENTS = Set.of("a", "b");

    public List<CatalogTool> tools() {
        return List.of(addNumbers(), multiplyNumbers());
    }

    public CatalogTool addNumbers() {
        return tool(ADD_NUMBERS, "Add numbers", "Adds two numbers exactly (decimal arithmetic, no floating-point rounding).", BigDecimal::add);
    }

    public CatalogTool multiplyNumbers() {
        return tool(MULTIPLY_NUMBERS, "Multiply numbers", "Multiplies two numbers exactly (decimal arithmetic, no floating-point rounding).",
                BigDecimal::multiply);
    }

    private static CatalogTool tool(String name, String title, String description, BinaryOperator<BigDecimal> operation) {
        McpSchema.Tool tool = McpSchema.Tool.builder()
                .name(name)
                .title(title)
                .description(description)
                .inputSchema(Schemas.object(props(
                        "a", Schemas.type("number", "First operand (integer or decimal)"),
                        "b", Schemas.type("number", "Second operand (integer or decimal)")),
                        List.of("a", "b")))
                .outputSchema(Schemas.object(props(
                        "a", Schemas.type("number", "First operand"),
                        "b", Schemas.type("number", "Second operand"),
                        "result", Schemas.type("number", "The exact result"),
                        "exact", Schemas.type("string", "The exact result in plain decimal notation")),
                        List.of("a", "b", "result", "exact")))
                .annotations(McpSchema.ToolAnnotations.builder().title(title).readOnlyHint(true)
                        .destructiveHint(false).idempotentHint(true).openWorldHint(false).build())
                .build();
        return new CatalogTool(tool, Results.guarded(call -> compute(call, operation)));
    }

    private static CallToolResult compute(ToolCall call, BinaryOperator<BigDecimal> operation) throws BadArgument {
        Arguments arguments = Arguments.of(call.arguments(), ARGUMENTS);
        BigDecimal a = bounded("a", arguments.requiredNumber("a"));
        BigDecimal b = bounded("b", arguments.requiredNumber("b"));
        BigDecimal result = canonical(operation.apply(a, b));
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("a", a);
        value.put("b", b);
        value.put("result", result);
        value.put("exact", result.toPlainString());
        return Results.structured(value);
    }

    private static BigDecimal bounded(String name, BigDecimal value) throws BadArgument {
        if (value.precision() > MAX_DIGITS || Math.abs((long) value.scale()) > MAX_SCALE) {
            throw new BadArgument("argument '" + name + "' is out of range: at most " + MAX_DIGITS
                    + " significant digits and magnitudes between 1e-" + MAX_SCALE + " and 1e" + MAX_SCALE);
        }
        return value;
    }

    /** Without trailing zeros but never in exponent form for integers (6, not 6.00 or 6E+0). */
    private static BigDecimal canonical(BigDecimal value) {
        BigDecimal stripped = value.stripTrailingZeros();
        return stripped.scale() < 0 ? stripped.setScale(0) : stripped;
    }
}
